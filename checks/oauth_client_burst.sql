-- More than min_count - 1 OAuth clients created by one user within window_minutes: a burst of
-- new machine credentials. Every creation inside a burst is part of the finding (one per user).
WITH created AS (
  SELECT DISTINCT event_id, event_time, user_id
  FROM audit_events_all
  WHERE {{partitions}}
    AND event_time >= {{from}} AND event_time < {{to}}
    AND coalesce(user_id, '') NOT IN {{system_user_ids}}
    AND ({{include_system_level}} OR coalesce(level, '') <> 'SYSTEM')
    AND entity_type = 'OAuthClient' AND action = 'Create'
),
burst_starts AS (
  SELECT a.user_id, a.event_time AS start_time
  FROM created a
  JOIN created b ON b.user_id = a.user_id AND b.event_time >= a.event_time AND b.event_time < a.event_time + {{window_minutes}}
  GROUP BY a.user_id, a.event_id, a.event_time
  HAVING count(*) >= {{min_count}}
)
SELECT DISTINCT
  c.user_id AS finding_key,
  c.event_id,
  c.event_time,
  c.user_id,
  'Burst of OAuth client creations by one user' AS summary
FROM created c
JOIN burst_starts s ON c.user_id = s.user_id AND c.event_time >= s.start_time AND c.event_time < s.start_time + {{window_minutes}}
