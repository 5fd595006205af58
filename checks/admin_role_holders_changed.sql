-- Admin role grants added or removed between consecutive snapshots (access_reconciliation), with
-- the audit event that explains each (event_id NULL when none does). One finding per change.
WITH admin_roles AS (
  SELECT DISTINCT r.snapshot_day, r.role_id, r.role_name
  FROM access_roles r
  LEFT JOIN (SELECT x.snapshot_day, x.role_id, p.v FROM access_roles x CROSS JOIN UNNEST(x.permissions) AS p(v)) rp
    ON rp.snapshot_day = r.snapshot_day AND rp.role_id = r.role_id
  WHERE lower(coalesce(r.role_name, '')) LIKE {{admin_role_pattern}} OR rp.v IN {{admin_permissions}}
)
SELECT
  c.change || ':' || c.subject_id || ':' || c.role_id || ':' || coalesce(c.division_id, '-') || '@' || c.snapshot_day AS finding_key,
  c.event_id,
  coalesce(c.event_time, CAST(CAST(c.snapshot_day AS DATE) AS TIMESTAMP)) AS event_time,
  c.subject_id AS user_id,
  'Admin role "' || coalesce(a.role_name, c.role_id) || '" ' || CASE WHEN c.change = 'grant_added' THEN 'granted to ' ELSE 'removed from ' END
    || c.subject_type || ' ' || c.subject_id || ' between ' || c.previous_snapshot_day || ' and ' || c.snapshot_day
    || CASE WHEN c.explained THEN ' (audit event ' || c.event_id || ' by ' || coalesce(c.actor_user_id, '?') || ')' ELSE ' (no audit event)' END AS summary
FROM access_reconciliation c
JOIN admin_roles a ON a.role_id = c.role_id AND a.snapshot_day IN (c.snapshot_day, c.previous_snapshot_day)
WHERE {{partitions}}
  AND CAST(c.snapshot_day AS TIMESTAMP) >= {{from}} AND CAST(c.snapshot_day AS TIMESTAMP) < {{to}}
  AND c.change IN ('grant_added', 'grant_removed')
  AND c.subject_id NOT IN {{system_user_ids}}
