-- Unexplained grant differences of users/groups (access_reconciliation), and role membership
-- events whose effect the next snapshot lacks. One finding per difference or event.
SELECT
  c.change || ':' || c.subject_id || ':' || coalesce(c.role_id, '-') || ':' || coalesce(c.division_id, '-') || '@' || c.snapshot_day AS finding_key,
  c.event_id,
  coalesce(c.event_time, CAST(CAST(c.snapshot_day AS DATE) AS TIMESTAMP)) AS event_time,
  CASE WHEN c.change = 'event_effect_missing' THEN c.actor_user_id ELSE c.subject_id END AS user_id,
  CASE
    WHEN c.change = 'grant_added' THEN 'Grant of role ' || c.role_id || ' to ' || c.subject_type || ' ' || c.subject_id || ' appeared between ' || c.previous_snapshot_day || ' and ' || c.snapshot_day || ' with no audit event'
    WHEN c.change = 'grant_removed' THEN 'Grant of role ' || c.role_id || ' to ' || c.subject_type || ' ' || c.subject_id || ' disappeared between ' || c.previous_snapshot_day || ' and ' || c.snapshot_day || ' with no audit event'
    ELSE 'Audit event ' || c.event_id || ' for ' || c.subject_id || ': ' || c.detail
  END AS summary
FROM access_reconciliation c
WHERE {{partitions}}
  AND CAST(c.snapshot_day AS TIMESTAMP) >= {{from}} AND CAST(c.snapshot_day AS TIMESTAMP) < {{to}}
  AND NOT c.explained
  AND (
    (c.change IN ('grant_added', 'grant_removed') AND c.subject_type <> 'oauth_client')
    OR (c.change = 'event_effect_missing' AND c.role_id IS NOT NULL)
  )
  AND coalesce(c.subject_id, '') NOT IN {{system_user_ids}}
