import { LakeTable } from '../lake/keys';
import { ACCESS_TABLES } from './lake-tables';

/**
 * One interface over the two query engines: DuckDB over a local cache of the lake (the local
 * default) and Athena. Both expose the same tables and view (see lake-views.ts), so a check's SQL
 * runs unchanged on either. Values come back as text (Athena's wire form), NULL as null.
 */
export interface QueryColumn {
  name: string;
  type: string;
}

export interface QueryStats {
  /** Athena: DataScannedInBytes. DuckDB: bytes of the Parquet files the query's tables cover. */
  bytesScanned: number;
  /** Files of the lake the query read; null when the engine does not say (Athena). */
  filesRead: number | null;
  ms: number;
  engine: EngineName;
  /** Athena's query execution id. */
  queryId?: string;
}

export interface QueryResult {
  columns: QueryColumn[];
  rows: Array<Array<string | null>>;
  stats: QueryStats;
}

export interface QueryOptions {
  /**
   * UTC days (inclusive) the query reads. DuckDB syncs and reads only those partitions; Athena
   * relies on the query's own partition predicates. Omitted: every day.
   */
  days?: { from: string; to: string };
}

export type EngineName = 'duckdb' | 'athena';

export interface QueryEngine {
  readonly name: EngineName;
  query(sql: string, options?: QueryOptions): Promise<QueryResult>;
  close(): Promise<void>;
}

/** Rows as objects by column name, for code that reads results. */
export function rowObjects(result: Pick<QueryResult, 'columns' | 'rows'>): Array<Record<string, string | null>> {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
}

/** The lake tables a SQL text reads, directly or through a view (both engines use the same names). */
export function referencedTables(sql: string): Set<LakeTable> {
  const out = new Set<LakeTable>();
  const lower = sql.toLowerCase();
  if (/\baudit_events\b/.test(lower)) out.add('audit_events');
  if (/\baudit_events_live\b/.test(lower)) out.add('audit_events_live');
  if (/\baudit_events_all\b/.test(lower)) {
    out.add('audit_events');
    out.add('audit_events_live');
  }
  if (/\baudit_findings\b/.test(lower)) out.add('audit_findings');
  for (const t of ACCESS_TABLES) if (new RegExp(`\\b${t}\\b`).test(lower)) out.add(t);
  if (/\baccess_reconciliation\b/.test(lower)) {
    for (const t of ACCESS_TABLES) out.add(t);
    out.add('audit_events');
    out.add('audit_events_live');
  }
  return out;
}
