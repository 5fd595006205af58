-- Many recordings exported or downloaded by one user within a short window.
WITH exported AS (
  SELECT DISTINCT event_id, event_time, user_id
  FROM audit_events_all
  WHERE {{partitions}}
    AND event_time >= {{from}} AND event_time < {{to}}
    AND coalesce(user_id, '') NOT IN {{system_user_ids}}
    AND ({{include_system_level}} OR coalesce(level, '') <> 'SYSTEM')
    AND entity_type = 'Recording' AND action IN {{actions}}
),
burst_starts AS (
  SELECT a.user_id, a.event_time AS start_time
  FROM exported a
  JOIN exported b ON b.user_id = a.user_id AND b.event_time >= a.event_time AND b.event_time < a.event_time + {{window_minutes}}
  GROUP BY a.user_id, a.event_id, a.event_time
  HAVING count(*) >= {{min_count}}
)
SELECT DISTINCT
  x.user_id AS finding_key,
  x.event_id,
  x.event_time,
  x.user_id,
  'Spike of recording exports or downloads by one user' AS summary
FROM exported x
JOIN burst_starts s ON x.user_id = s.user_id AND x.event_time >= s.start_time AND x.event_time < s.start_time + {{window_minutes}}
