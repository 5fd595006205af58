-- An admin role granted (PeoplePermissions Role/MemberAdd of a role whose name matches the
-- pattern) outside every authorized change window. One finding per grant.
SELECT
  event_id AS finding_key,
  event_id,
  event_time,
  user_id,
  'Admin role "' || coalesce(entity_name, entity_id, '?') || '" granted' || CASE WHEN property = 'members' THEN ' to ' || coalesce(new_value, '?') ELSE '' END || ' outside the change windows' AS summary
FROM audit_events_all
WHERE {{partitions}}
  AND event_time >= {{from}} AND event_time < {{to}}
  AND coalesce(user_id, '') NOT IN {{system_user_ids}}
  AND ({{include_system_level}} OR coalesce(level, '') <> 'SYSTEM')
  AND service_name = 'PeoplePermissions' AND entity_type = 'Role' AND action = 'MemberAdd'
  AND lower(coalesce(entity_name, '')) LIKE {{admin_role_pattern}}
  AND NOT {{change_windows}}
