-- Client-credentials clients of the snapshot whose roles (grants with subject_type oauth_client)
-- include an admin role. One finding per client and snapshot day.
WITH admin_roles AS (
  SELECT DISTINCT r.snapshot_day, r.role_id, r.role_name
  FROM access_roles r
  LEFT JOIN (SELECT x.snapshot_day, x.role_id, p.v FROM access_roles x CROSS JOIN UNNEST(x.permissions) AS p(v)) rp
    ON rp.snapshot_day = r.snapshot_day AND rp.role_id = r.role_id
  WHERE lower(coalesce(r.role_name, '')) LIKE {{admin_role_pattern}} OR rp.v IN {{admin_permissions}}
)
SELECT
  c.client_id || '@' || c.snapshot_day AS finding_key,
  CAST(NULL AS VARCHAR) AS event_id,
  c.captured_at AS event_time,
  c.created_by_id AS user_id,
  'OAuth client ' || c.client_id || ' (client credentials) holds admin role "' || min(a.role_name) || '"'
    || CASE WHEN count(DISTINCT a.role_id) > 1 THEN ' and ' || CAST(count(DISTINCT a.role_id) - 1 AS VARCHAR) || ' more' ELSE '' END
    || ' (snapshot ' || c.snapshot_day || ')' AS summary
FROM (SELECT * FROM access_oauth_clients WHERE {{partitions}}) c
JOIN access_grants g ON g.snapshot_day = c.snapshot_day AND g.subject_id = c.client_id AND g.subject_type = 'oauth_client'
JOIN admin_roles a ON a.snapshot_day = g.snapshot_day AND a.role_id = g.role_id
WHERE CAST(c.snapshot_day AS TIMESTAMP) >= {{from}} AND CAST(c.snapshot_day AS TIMESTAMP) < {{to}}
  AND coalesce(c.created_by_id, '') NOT IN {{system_user_ids}}
  AND upper(coalesce(c.authorized_grant_type, '')) = 'CLIENT_CREDENTIALS'
GROUP BY c.client_id, c.snapshot_day, c.captured_at, c.created_by_id
