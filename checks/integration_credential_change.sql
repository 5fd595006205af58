-- Any creation, update or deletion of an integration credential (third-party secrets).
SELECT DISTINCT
  event_id AS finding_key,
  event_id,
  event_time,
  user_id,
  'Integration credential "' || coalesce(entity_name, entity_id, '?') || '": ' || action AS summary
FROM audit_events_all
WHERE {{partitions}}
  AND event_time >= {{from}} AND event_time < {{to}}
  AND coalesce(user_id, '') NOT IN {{system_user_ids}}
  AND ({{include_system_level}} OR coalesce(level, '') <> 'SYSTEM')
  AND service_name = 'Integrations' AND entity_type = 'Credential'
  AND action IN {{actions}}
