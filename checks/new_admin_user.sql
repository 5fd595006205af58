-- A user created with an administrative role from the start.
SELECT DISTINCT
  event_id AS finding_key,
  event_id,
  event_time,
  user_id,
  'New user "' || coalesce(entity_name, entity_id, '?') || '" created with an admin role' AS summary
FROM audit_events_all
WHERE {{partitions}}
  AND event_time >= {{from}} AND event_time < {{to}}
  AND coalesce(user_id, '') NOT IN {{system_user_ids}}
  AND ({{include_system_level}} OR coalesce(level, '') <> 'SYSTEM')
  AND service_name = 'Directory' AND entity_type = 'User' AND action = 'Create'
  AND property = 'roles'
  AND lower(coalesce(new_value, '')) LIKE {{admin_role_pattern}}
