-- Many users deleted by one (non-system) user within a short window.
WITH deleted AS (
  SELECT DISTINCT event_id, event_time, user_id
  FROM audit_events_all
  WHERE {{partitions}}
    AND event_time >= {{from}} AND event_time < {{to}}
    AND coalesce(user_id, '') NOT IN {{system_user_ids}}
    AND ({{include_system_level}} OR coalesce(level, '') <> 'SYSTEM')
    AND service_name = 'Directory' AND entity_type = 'User' AND action = 'Delete'
),
burst_starts AS (
  SELECT a.user_id, a.event_time AS start_time
  FROM deleted a
  JOIN deleted b ON b.user_id = a.user_id AND b.event_time >= a.event_time AND b.event_time < a.event_time + {{window_minutes}}
  GROUP BY a.user_id, a.event_id, a.event_time
  HAVING count(*) >= {{min_count}}
)
SELECT DISTINCT
  d.user_id AS finding_key,
  d.event_id,
  d.event_time,
  d.user_id,
  'Mass deletion of users by one user' AS summary
FROM deleted d
JOIN burst_starts s ON d.user_id = s.user_id AND d.event_time >= s.start_time AND d.event_time < s.start_time + {{window_minutes}}
