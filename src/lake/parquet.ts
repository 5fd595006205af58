import { DuckDBConnection } from '@duckdb/node-api';
import { LAKE_COLUMNS } from '../model/canonical';
import { sqlString } from './duckdb';

/** Rows per Parquet row group: large enough for good zstd ratios, small enough to prune days. */
const ROW_GROUP_SIZE = 50_000;

/** The lake's column list with types: event_time as millisecond timestamps, the rest as declared. */
export const LAKE_SELECT = LAKE_COLUMNS.map((c) =>
  c.name === 'event_time' ? `CAST(event_time AS TIMESTAMP_MS) AS event_time` : `CAST(${c.name} AS ${c.duckdb}) AS ${c.name}`,
).join(', ');

/** A relation over row files (NDJSON written by RowFile), typed by the lake schema. */
export function rowFilesRelation(paths: string[]): string {
  const columns = LAKE_COLUMNS.map((c) => `${c.name}: ${sqlString(c.name === 'event_time' ? 'VARCHAR' : c.duckdb)}`).join(', ');
  return `read_json([${paths.map(sqlString).join(', ')}], format = 'newline_delimited', columns = {${columns}})`;
}

export function parquetRelation(paths: string[]): string {
  // union_by_name: files written before a column was added read that column as NULL.
  return `read_parquet([${paths.map(sqlString).join(', ')}], union_by_name = true)`;
}

/**
 * Writes `SELECT <lake columns> FROM <relation> [WHERE] ORDER BY event_time, event_id,
 * change_index` to one Parquet file (zstd). The order makes the bytes a function of the rows,
 * so writing the same rows twice gives the same file. For small sets (a live part); a sealed
 * day goes through mergeStaged, which keeps page order instead of sorting in memory.
 */
export async function writeParquet(
  db: DuckDBConnection,
  opts: { relation: string; where?: string; outPath: string },
): Promise<void> {
  const where = opts.where ? `WHERE ${opts.where}` : '';
  await db.run(
    `COPY (SELECT ${LAKE_SELECT} FROM ${opts.relation} ${where} ORDER BY event_time, event_id, change_index)
     TO ${sqlString(opts.outPath)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`,
  );
}

export interface ParquetStats {
  rows: number;
  events: number;
  minEventTime: string | null;
  maxEventTime: string | null;
}

export async function parquetStats(db: DuckDBConnection, path: string): Promise<ParquetStats> {
  const reader = await db.runAndReadAll(
    `SELECT count(*)::BIGINT, count(DISTINCT event_id)::BIGINT, min(event_time), max(event_time) FROM read_parquet(${sqlString(path)})`,
  );
  const [rows, events, min, max] = reader.getRows()[0];
  return { rows: Number(rows), events: Number(events), minEventTime: isoOrNull(min), maxEventTime: isoOrNull(max) };
}

function isoOrNull(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  // DuckDB timestamps print as 'YYYY-MM-DD HH:MM:SS[.fff]' in UTC.
  const s = String(v).replace(' ', 'T');
  return new Date(s.endsWith('Z') ? s : `${s}Z`).toISOString();
}
