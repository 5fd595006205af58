-- Grants of users whose state is deleted or inactive in the same snapshot. One finding per user
-- and snapshot day.
SELECT
  u.user_id || '@' || u.snapshot_day AS finding_key,
  CAST(NULL AS VARCHAR) AS event_id,
  u.captured_at AS event_time,
  u.user_id,
  'User ' || u.user_id || ' is ' || lower(u.state) || ' and still holds ' || CAST(count(DISTINCT g.role_id) AS VARCHAR)
    || ' role(s) (snapshot ' || u.snapshot_day || ')' AS summary
FROM (SELECT * FROM access_users WHERE {{partitions}}) u
JOIN access_grants g ON g.snapshot_day = u.snapshot_day AND g.subject_id = u.user_id
WHERE CAST(u.snapshot_day AS TIMESTAMP) >= {{from}} AND CAST(u.snapshot_day AS TIMESTAMP) < {{to}}
  AND u.user_id NOT IN {{system_user_ids}}
  AND lower(coalesce(u.state, '')) IN {{inactive_states}}
GROUP BY u.user_id, u.snapshot_day, u.captured_at, u.state
