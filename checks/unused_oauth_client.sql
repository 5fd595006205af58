-- Active clients of the window's last snapshot with no audit event of their client id in the
-- window, created at least min_age_days before that snapshot. One finding per client.
WITH last_snapshot AS (
  SELECT max(snapshot_day) AS snapshot_day FROM access_oauth_clients
  WHERE {{partitions}} AND CAST(snapshot_day AS TIMESTAMP) >= {{from}} AND CAST(snapshot_day AS TIMESTAMP) < {{to}}
),
used AS (
  SELECT DISTINCT client_id FROM audit_events_all
  WHERE {{partitions}} AND event_time >= {{from}} AND event_time < {{to}} AND client_id IS NOT NULL
)
SELECT
  c.client_id || '@' || c.snapshot_day AS finding_key,
  CAST(NULL AS VARCHAR) AS event_id,
  c.captured_at AS event_time,
  c.created_by_id AS user_id,
  'OAuth client ' || c.client_id || ' (' || coalesce(c.authorized_grant_type, '?') || ', created '
    || coalesce(CAST(CAST(c.date_created AS DATE) AS VARCHAR), '?') || ') has no audit event in the window' AS summary
FROM (SELECT * FROM access_oauth_clients WHERE {{partitions}}) c
JOIN last_snapshot s ON s.snapshot_day = c.snapshot_day
LEFT JOIN used u ON u.client_id = c.client_id
WHERE u.client_id IS NULL
  AND c.client_id NOT IN {{system_user_ids}}
  AND lower(coalesce(c.state, 'active')) = 'active'
  AND (c.date_created IS NULL OR (c.date_created < {{from}}
    AND date_diff('day', CAST(c.date_created AS DATE), CAST(c.snapshot_day AS DATE)) >= {{min_age_days}}))
