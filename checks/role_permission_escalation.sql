-- A role update that adds a high-risk permission (present in the new value, absent from the old).
-- Values hold one permission as is, or several as a JSON array of strings.
SELECT DISTINCT
  e.event_id AS finding_key,
  e.event_id,
  e.event_time,
  e.user_id,
  'Role "' || coalesce(e.entity_name, e.entity_id, '?') || '" gained a high-risk permission' AS summary
FROM audit_events_all e
CROSS JOIN {{high_risk_permissions}} AS hp
WHERE {{partitions}}
  AND e.event_time >= {{from}} AND e.event_time < {{to}}
  AND coalesce(e.user_id, '') NOT IN {{system_user_ids}}
  AND ({{include_system_level}} OR coalesce(e.level, '') <> 'SYSTEM')
  AND e.entity_type = 'Role' AND e.action = 'Update' AND e.property = 'permissionPolicies'
  AND (e.new_value = hp.v OR strpos(coalesce(e.new_value, ''), '"' || hp.v || '"') > 0)
  AND NOT (coalesce(e.old_value, '') = hp.v OR strpos(coalesce(e.old_value, ''), '"' || hp.v || '"') > 0)
