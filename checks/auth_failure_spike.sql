-- Many failed logins against the same user account within a short window (brute force or
-- credential stuffing). Grouped by the target account (entity_id).
WITH failed AS (
  SELECT DISTINCT event_id, event_time, user_id, entity_id
  FROM audit_events_all
  WHERE {{partitions}}
    AND event_time >= {{from}} AND event_time < {{to}}
    AND coalesce(user_id, '') NOT IN {{system_user_ids}}
    AND ({{include_system_level}} OR coalesce(level, '') <> 'SYSTEM')
    AND entity_type = 'AuthUser' AND action = 'AuthenticationFailed'
),
burst_starts AS (
  SELECT a.entity_id, a.event_time AS start_time
  FROM failed a
  JOIN failed b ON b.entity_id = a.entity_id AND b.event_time >= a.event_time AND b.event_time < a.event_time + {{window_minutes}}
  GROUP BY a.entity_id, a.event_id, a.event_time
  HAVING count(*) >= {{min_count}}
)
SELECT DISTINCT
  f.entity_id AS finding_key,
  f.event_id,
  f.event_time,
  f.user_id,
  'Spike of authentication failures against one account' AS summary
FROM failed f
JOIN burst_starts s ON f.entity_id = s.entity_id AND f.event_time >= s.start_time AND f.event_time < s.start_time + {{window_minutes}}
