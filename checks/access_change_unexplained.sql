-- Unexplained differences other than user/group grants (access_reconciliation), and user or
-- client lifecycle events whose effect the next snapshot lacks. One finding per difference.
SELECT
  c.change || ':' || c.subject_id || '@' || c.snapshot_day AS finding_key,
  c.event_id,
  coalesce(c.event_time, CAST(CAST(c.snapshot_day AS DATE) AS TIMESTAMP)) AS event_time,
  CASE WHEN c.change = 'event_effect_missing' THEN c.actor_user_id ELSE CAST(NULL AS VARCHAR) END AS user_id,
  CASE
    WHEN c.change = 'event_effect_missing' THEN 'Audit event ' || c.event_id || ' for ' || c.subject_type || ' ' || c.subject_id || ': ' || c.detail
    ELSE replace(c.change, '_', ' ') || ': ' || c.subject_type || ' ' || c.subject_id || ' (' || c.detail || ') between ' || c.previous_snapshot_day || ' and ' || c.snapshot_day || ' with no audit event'
  END AS summary
FROM access_reconciliation c
WHERE {{partitions}}
  AND CAST(c.snapshot_day AS TIMESTAMP) >= {{from}} AND CAST(c.snapshot_day AS TIMESTAMP) < {{to}}
  AND NOT c.explained
  AND c.change NOT IN ('grant_added', 'grant_removed')
  AND NOT (c.change = 'event_effect_missing' AND c.role_id IS NOT NULL)
  AND coalesce(c.subject_id, '') NOT IN {{system_user_ids}}
