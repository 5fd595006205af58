import { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './duckdb';

/** zstd at level 1: as small as the default level here, and faster. */
const PARQUET_FORMAT = 'FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1';

/**
 * How every lake part is written: in row groups small enough for the writer's memory to stay
 * bounded, as the writer holds a row group uncompressed (10,000 audit rows took ~60 MB of
 * DuckDB's memory when a day was sealed; 4,000 about 20 MB).
 */
export const PARQUET_OPTIONS = `${PARQUET_FORMAT}, ROW_GROUP_SIZE 4000`;

/** The same for wide nested rows (the OCSF classes): 4,000 such rows took ~15 MB more than 1,000. */
export const WIDE_PARQUET_OPTIONS = `${PARQUET_FORMAT}, ROW_GROUP_SIZE 1000`;

/** Lake Parquet files as one relation; `position` adds each row's file and row number (`filename`, `file_row_number`). */
export function parquetRelation(paths: string[], opts: { position?: boolean } = {}): string {
  // union_by_name: files written before a column was added read that column as NULL.
  const position = opts.position ? ', filename = true, file_row_number = true' : '';
  return `read_parquet([${paths.map(sqlString).join(', ')}], union_by_name = true${position})`;
}

/**
 * Writes `SELECT * FROM <relation of lake rows> [WHERE] ORDER BY event_time, event_id,
 * change_index` to one Parquet file. The order makes the bytes a function of the rows, so
 * writing the same rows twice gives the same file. For small sets (a live part); a sealed day
 * goes through mergeStaged, which keeps page order instead of sorting in memory.
 */
export async function writeParquet(
  db: DuckDBConnection,
  opts: { relation: string; where?: string; outPath: string },
): Promise<void> {
  const where = opts.where ? `WHERE ${opts.where}` : '';
  await db.run(
    `COPY (SELECT * FROM ${opts.relation} ${where} ORDER BY event_time, event_id, change_index) TO ${sqlString(opts.outPath)} (${PARQUET_OPTIONS})`,
  );
}

export interface ParquetStats {
  rows: number;
  events: number;
  minEventTime: string | null;
  maxEventTime: string | null;
}

/**
 * Rows, events and time range of a lake Parquet file. Events are counted by their row with
 * change_index 0, which every event has exactly once: no set of ids is held in memory.
 */
export async function parquetStats(db: DuckDBConnection, path: string): Promise<ParquetStats> {
  const reader = await db.runAndReadAll(
    `SELECT count(*)::BIGINT, count_if(change_index = 0)::BIGINT, min(event_time), max(event_time) FROM read_parquet(${sqlString(path)})`,
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
