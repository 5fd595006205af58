-- Active users of the snapshot with roles and no login (or token) for dormant_days days. One
-- finding per user and snapshot day.
SELECT
  u.user_id || '@' || u.snapshot_day AS finding_key,
  CAST(NULL AS VARCHAR) AS event_id,
  u.captured_at AS event_time,
  u.user_id,
  'User ' || u.user_id || ' holds ' || CAST(count(DISTINCT g.role_id) AS VARCHAR) || ' role(s) and last logged in '
    || coalesce(CAST(max(coalesce(u.date_last_login, u.last_token_issued)) AS VARCHAR), 'never')
    || ' (snapshot ' || u.snapshot_day || ')' AS summary
FROM (SELECT * FROM access_users WHERE {{partitions}}) u
JOIN access_grants g ON g.snapshot_day = u.snapshot_day AND g.subject_id = u.user_id
WHERE CAST(u.snapshot_day AS TIMESTAMP) >= {{from}} AND CAST(u.snapshot_day AS TIMESTAMP) < {{to}}
  AND u.user_id NOT IN {{system_user_ids}}
  AND lower(coalesce(u.state, '')) = 'active'
  AND (
    (u.date_last_login IS NULL AND u.last_token_issued IS NULL)
    OR date_diff('day', CAST(CASE WHEN u.last_token_issued IS NULL OR u.date_last_login > u.last_token_issued THEN u.date_last_login ELSE u.last_token_issued END AS DATE), CAST(u.snapshot_day AS DATE)) >= {{dormant_days}}
  )
GROUP BY u.user_id, u.snapshot_day, u.captured_at
