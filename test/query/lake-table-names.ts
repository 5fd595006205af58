/** Every table the Athena DDL declares, sorted: the event tables and the access snapshot's. */
export const LAKE_TABLE_NAMES = [
  'access_coverage',
  'access_divisions',
  'access_grants',
  'access_oauth_clients',
  'access_roles',
  'access_users',
  'audit_events',
  'audit_events_live',
  'audit_findings',
];
