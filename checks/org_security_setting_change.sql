-- A change of an org-wide security setting (IP allowlist, session timeout, MFA, password policy, SSO).
SELECT DISTINCT
  event_id AS finding_key,
  event_id,
  event_time,
  user_id,
  'Org security setting ' || property || ' changed' AS summary
FROM audit_events_all
WHERE {{partitions}}
  AND event_time >= {{from}} AND event_time < {{to}}
  AND coalesce(user_id, '') NOT IN {{system_user_ids}}
  AND ({{include_system_level}} OR coalesce(level, '') <> 'SYSTEM')
  AND entity_type = 'AuthOrganization' AND action = 'Update'
  AND property IN {{security_settings}}
