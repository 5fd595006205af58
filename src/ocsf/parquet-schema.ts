/**
 * The Parquet schema of each OCSF class: OCSF objects as nested structs (as Security Lake's own
 * sources are stored), fixed per class so every day's file has the same schema for Athena/Glue.
 * `unmapped` is a string map; `entity.data` is JSON text.
 */
import { OcsfClassName } from './classes';

const USER = 'STRUCT(uid VARCHAR, name VARCHAR)';
const ENTITY = 'STRUCT(uid VARCHAR, name VARCHAR, type VARCHAR, data VARCHAR)';
const COMMON: Array<[string, string]> = [
  ['activity_id', 'INTEGER'],
  ['activity_name', 'VARCHAR'],
  ['category_uid', 'INTEGER'],
  ['category_name', 'VARCHAR'],
  ['class_uid', 'INTEGER'],
  ['class_name', 'VARCHAR'],
  ['type_uid', 'BIGINT'],
  ['type_name', 'VARCHAR'],
  ['severity_id', 'INTEGER'],
  ['severity', 'VARCHAR'],
  ['time', 'BIGINT'],
  ['status_id', 'INTEGER'],
  ['status', 'VARCHAR'],
  ['status_code', 'VARCHAR'],
  ['message', 'VARCHAR'],
  [
    'metadata',
    'STRUCT(version VARCHAR, uid VARCHAR, correlation_uid VARCHAR, event_code VARCHAR, log_name VARCHAR, log_provider VARCHAR, original_time VARCHAR, profiles VARCHAR[], product STRUCT(name VARCHAR, vendor_name VARCHAR, feature STRUCT(name VARCHAR)))',
  ],
  ['actor', `STRUCT("user" ${USER}, session STRUCT(credential_uid VARCHAR), invoked_by VARCHAR)`],
  ['api', 'STRUCT(operation VARCHAR, service STRUCT(name VARCHAR), request STRUCT(uid VARCHAR))'],
  ['cloud', 'STRUCT(provider VARCHAR, region VARCHAR, account STRUCT(uid VARCHAR))'],
  ['src_endpoint', 'STRUCT(ip VARCHAR, svc_name VARCHAR)'],
];

const SPECIFIC: Record<OcsfClassName, Array<[string, string]>> = {
  accountChange: [['user', USER]],
  authentication: [
    ['user', USER],
    ['service', 'STRUCT(name VARCHAR, uid VARCHAR)'],
  ],
  entityManagement: [
    ['entity', ENTITY],
    ['entity_result', ENTITY],
  ],
  apiActivity: [['resources', 'STRUCT(uid VARCHAR, name VARCHAR, type VARCHAR)[]']],
};

/** Columns of a class's Parquet file, in order. */
export function ocsfColumns(className: OcsfClassName): Array<[string, string]> {
  return [...COMMON, ...SPECIFIC[className], ['unmapped', 'MAP(VARCHAR, VARCHAR)']];
}
