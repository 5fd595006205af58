-- An OAuth client's secret regenerated or its scopes changed.
SELECT DISTINCT
  event_id AS finding_key,
  event_id,
  event_time,
  user_id,
  'OAuth client "' || coalesce(entity_name, entity_id, '?') || '": ' || property || ' changed' AS summary
FROM audit_events_all
WHERE {{partitions}}
  AND event_time >= {{from}} AND event_time < {{to}}
  AND coalesce(user_id, '') NOT IN {{system_user_ids}}
  AND ({{include_system_level}} OR coalesce(level, '') <> 'SYSTEM')
  AND entity_type = 'OAuthClient' AND action = 'Update'
  AND property IN {{properties}}
