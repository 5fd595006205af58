-- Administrative activity (PeoplePermissions changes by a person) outside business hours and
-- outside the authorized change windows. One finding per user.
SELECT DISTINCT
  user_id AS finding_key,
  event_id,
  event_time,
  user_id,
  'Administrative activity outside business hours' AS summary
FROM audit_events_all
WHERE {{partitions}}
  AND event_time >= {{from}} AND event_time < {{to}}
  AND coalesce(user_id, '') NOT IN {{system_user_ids}}
  AND ({{include_system_level}} OR coalesce(level, '') <> 'SYSTEM')
  AND level = 'USER'
  AND service_name = 'PeoplePermissions'
  AND action NOT IN {{ignored_actions}}
  AND NOT {{business_hours}}
  AND NOT {{change_windows}}
