/**
 * The one canonical audit event that both sources (audit query API, EventBridge stream) are
 * normalized into, and the flat lake row (one per property change) it becomes.
 */
export type EventSource = 'api' | 'stream';

export interface CanonicalPropertyChange {
  property: string | null;
  oldValues: string[];
  newValues: string[];
}

export interface CanonicalEvent {
  eventId: string;
  /** UTC, ISO-8601 with milliseconds: 2026-11-21T09:49:25.000Z */
  eventTime: string;
  serviceName: string | null;
  level: string | null;
  action: string | null;
  /** Not carried by the stream shape: null there. */
  status: string | null;
  entityType: string | null;
  entityId: string | null;
  entityName: string | null;
  userId: string | null;
  userName: string | null;
  clientId: string | null;
  /** remoteIp[] joined with ", " */
  remoteIp: string | null;
  transactionId: string | null;
  source: EventSource;
  propertyChanges: CanonicalPropertyChange[];
  /**
   * Everything else the source sent: known fields without a column (message, context,
   * entityChanges, ...) and unknown fields, so a schema change loses nothing.
   */
  extra: Record<string, unknown>;
}

/**
 * One lake row: one per property change; an event without changes is one row with
 * change_index 0 and null property/old_value/new_value. (event_id, change_index) is unique.
 * old_value/new_value: the single value as is, several values as a JSON array, none as null.
 */
export interface LakeRow {
  event_id: string;
  event_time: string;
  service_name: string | null;
  level: string | null;
  action: string | null;
  status: string | null;
  entity_type: string | null;
  entity_id: string | null;
  entity_name: string | null;
  user_id: string | null;
  user_name: string | null;
  client_id: string | null;
  remote_ip: string | null;
  transaction_id: string | null;
  change_index: number;
  property: string | null;
  old_value: string | null;
  new_value: string | null;
  source: EventSource;
  /** JSON text of CanonicalEvent.extra, or null when empty. */
  extra: string | null;
}

/** Lake columns in order; the Parquet schema, the Athena DDL and the DuckDB views follow this list. */
export const LAKE_COLUMNS: ReadonlyArray<{ name: keyof LakeRow; duckdb: string; athena: string }> = [
  { name: 'event_id', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'event_time', duckdb: 'TIMESTAMP', athena: 'timestamp' },
  { name: 'service_name', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'level', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'action', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'status', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'entity_type', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'entity_id', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'entity_name', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'user_id', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'user_name', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'client_id', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'remote_ip', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'transaction_id', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'change_index', duckdb: 'INTEGER', athena: 'int' },
  { name: 'property', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'old_value', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'new_value', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'source', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'extra', duckdb: 'VARCHAR', athena: 'string' },
];
