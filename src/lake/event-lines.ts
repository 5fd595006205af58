/**
 * The one hand-off from the transform to DuckDB: masked canonical events as NDJSON, a line per
 * event (staging chunks, ingest's day files). A line per event, not per lake row: the event's
 * columns and `extra` are written once rather than once per property change, and DuckDB
 * flattens the property changes into rows (lakeRowsFrom) on its way to Parquet. JSON because
 * JSON.stringify is the fastest serializer in Node and DuckDB's JSON reader the fastest way into
 * DuckDB from JavaScript (its appender costs about 7 µs a row).
 */
import { type CanonicalEvent, LAKE_COLUMNS, type LakeRow } from '../model/canonical';
import { sqlString } from './duckdb';

// JSON.stringify writes a lone surrogate as a \udXXX escape, which DuckDB's reader rejects: it
// becomes U+FFFD, as it would in any UTF-8 output. (A preceding backslash must not be escaped.)
const LONE_SURROGATE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

export function eventLine(event: CanonicalEvent): string {
  const line = JSON.stringify(event);
  return line.includes('\\ud') ? line.replace(LONE_SURROGATE, '$1\\ufffd') : line;
}

/** Lines as the bytes of an NDJSON file. */
export function eventLinesText(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Lake rows an event makes: one per property change, one for an event without changes. */
export function rowCount(event: CanonicalEvent): number {
  return Math.max(1, event.propertyChanges.length);
}

const CHANGE = 'STRUCT(property VARCHAR, oldValues VARCHAR[], newValues VARCHAR[])';
const LINE_COLUMNS: Record<Exclude<keyof CanonicalEvent, 'propertyChanges' | 'extra'>, string> = {
  eventId: 'VARCHAR',
  eventTime: 'VARCHAR',
  serviceName: 'VARCHAR',
  level: 'VARCHAR',
  action: 'VARCHAR',
  status: 'VARCHAR',
  entityType: 'VARCHAR',
  entityId: 'VARCHAR',
  entityName: 'VARCHAR',
  userId: 'VARCHAR',
  userName: 'VARCHAR',
  clientId: 'VARCHAR',
  remoteIp: 'VARCHAR',
  transactionId: 'VARCHAR',
  source: 'VARCHAR',
};
const READ_COLUMNS = [
  ...Object.entries(LINE_COLUMNS).map(([name, type]) => `${name}: '${type}'`),
  `propertyChanges: '${CHANGE}[]'`,
  `extra: 'JSON'`,
].join(', ');

/** A property change's values: the single value as is, several as a JSON array, none as null. */
const valueText = (values: string) =>
  `CASE len(${values}) WHEN 0 THEN NULL WHEN 1 THEN ${values}[1] ELSE CAST(to_json(${values}) AS VARCHAR) END`;

/** Each lake column from an event line and its change `c` (null for an event without changes). */
const ROW_FROM_LINE: Record<keyof LakeRow, string> = {
  event_id: 'eventId',
  event_time: 'CAST(eventTime AS TIMESTAMP_MS)',
  service_name: 'serviceName',
  level: 'level',
  action: 'action',
  status: 'status',
  entity_type: 'entityType',
  entity_id: 'entityId',
  entity_name: 'entityName',
  user_id: 'userId',
  user_name: 'userName',
  client_id: 'clientId',
  remote_ip: 'remoteIp',
  transaction_id: 'transactionId',
  change_index: 'change_index',
  property: 'c.property',
  old_value: valueText('c.oldValues'),
  new_value: valueText('c.newValues'),
  source: 'source',
  extra: `nullif(CAST(extra AS VARCHAR), '{}')`,
};

/**
 * The lake rows of event-line files, typed and in LAKE_COLUMNS order, in file and line order:
 * the flattening of docs/ARCHITECTURE.md (The lake). An event without property changes is one row with change_index 0
 * and null property and values.
 */
export function lakeRowsFrom(paths: readonly string[]): string {
  const files = paths.map(sqlString).join(', ');
  return `(SELECT ${LAKE_COLUMNS.map((col) => `${ROW_FROM_LINE[col.name]} AS ${col.name}`).join(', ')}
    FROM (
      SELECT * EXCLUDE (propertyChanges, changes), unnest(changes) AS c, CAST(generate_subscripts(changes, 1) - 1 AS INTEGER) AS change_index
      FROM (
        SELECT *, CASE WHEN len(coalesce(propertyChanges, [])) = 0 THEN [NULL::${CHANGE}] ELSE propertyChanges END AS changes
        FROM read_json([${files}], format = 'newline_delimited', columns = {${READ_COLUMNS}})
      )
    ))`;
}
