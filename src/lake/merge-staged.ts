import * as path from 'node:path';
import { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './duckdb';
import { LAKE_SELECT, parquetRelation, parquetStats, ParquetStats, rowFilesRelation } from './parquet';

/** DuckDB's memory for merging a day (it spills to disk beyond; below this the merge runs out). */
export const MERGE_MEMORY_LIMIT = '128MB';

/** Staged chunk files per Parquet part: about 500 events a chunk, so parts of ~250k events. */
export const CHUNKS_PER_PART = 500;
const ROW_GROUP_SIZE = 10_000;

export interface MergedPart extends ParquetStats {
  file: string;
}

export interface MergeResult {
  parts: MergedPart[];
  newRows: number;
  newEvents: number;
  /** Staged rows whose event time falls outside the day (reported, not stored). */
  outsideDay: number;
  /** (event_id, change_index) pairs staged more than once, stored once. */
  repeated: number;
}

/**
 * Turns a day's staged row files (NDJSON, in page order) into Parquet parts holding each
 * (event_id, change_index) once and no event the lake already has. Memory stays bounded however
 * large the day: rows stream from the files to the parts in page order (the API sorts by time),
 * and only narrow key sets (repeated keys, existing ids) are held; no sort of whole rows, which
 * DuckDB cannot do in bounded memory for wide rows. Single-threaded with insertion order kept,
 * so the same files give the same bytes.
 */
export async function mergeStaged(
  db: DuckDBConnection,
  opts: { staged: string[]; existing: string[]; day: string; outDir: string },
): Promise<MergeResult> {
  const dayStart = `TIMESTAMP ${sqlString(`${opts.day} 00:00:00`)}`;
  const inDay = `event_time >= ${dayStart} AND event_time < ${dayStart} + INTERVAL 1 DAY`;
  const keysOf = (files: string[]) =>
    `read_json([${files.map(sqlString).join(', ')}], format = 'newline_delimited', columns = {event_id: 'VARCHAR', change_index: 'INTEGER', event_time: 'VARCHAR'})`;
  if (opts.staged.length === 0) return { parts: [], newRows: 0, newEvents: 0, outsideDay: 0, repeated: 0 };

  // One narrow pass over the keys: how many rows fall outside the day, which keys repeat.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE key_counts AS
     SELECT event_id, change_index, count(*) AS n, bool_or(NOT (${inDay})) AS outside
     FROM (SELECT event_id, change_index, CAST(event_time AS TIMESTAMP_MS) AS event_time FROM ${keysOf(opts.staged)})
     GROUP BY ALL`,
  );
  const outsideDay = await scalar(db, 'SELECT coalesce(sum(n), 0) FROM key_counts WHERE outside');
  await db.run('CREATE OR REPLACE TEMP TABLE repeated AS SELECT event_id, change_index FROM key_counts WHERE n > 1');
  await db.run('DROP TABLE key_counts');
  await db.run(
    `CREATE OR REPLACE TEMP TABLE existing AS ${
      opts.existing.length ? `SELECT DISTINCT event_id FROM ${parquetRelation(opts.existing)}` : 'SELECT NULL::VARCHAR AS event_id WHERE false'
    }`,
  );
  const keep = (alias: string) =>
    `${inDay} AND NOT EXISTS (SELECT 1 FROM existing x WHERE x.event_id = ${alias}.event_id)`;
  const notRepeated = (alias: string) =>
    `NOT EXISTS (SELECT 1 FROM repeated r WHERE r.event_id = ${alias}.event_id AND r.change_index = ${alias}.change_index)`;

  const sources: string[] = [];
  for (let i = 0; i < opts.staged.length; i += CHUNKS_PER_PART) {
    const files = opts.staged.slice(i, i + CHUNKS_PER_PART);
    sources.push(`SELECT * FROM (SELECT ${LAKE_SELECT} FROM ${rowFilesRelation(files)}) s WHERE ${keep('s')} AND ${notRepeated('s')}`);
  }
  // Keys staged more than once (the API repeated an event across pages): one copy each, last.
  const repeated = await scalar(db, 'SELECT count(*) FROM repeated');
  if (repeated > 0) {
    sources.push(
      `SELECT * FROM (SELECT ${LAKE_SELECT} FROM ${rowFilesRelation(opts.staged)}) s
       WHERE ${keep('s')} AND EXISTS (SELECT 1 FROM repeated r WHERE r.event_id = s.event_id AND r.change_index = s.change_index)
       QUALIFY row_number() OVER (PARTITION BY event_id, change_index ORDER BY event_time, extra) = 1
       ORDER BY event_time, event_id, change_index`,
    );
  }

  const parts: MergedPart[] = [];
  for (const source of sources) {
    const file = path.join(opts.outDir, `part-${parts.length}.parquet`);
    await db.run(`COPY (${source}) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`);
    const stats = await parquetStats(db, file);
    if (stats.rows > 0) parts.push({ file, ...stats });
  }
  const newRows = parts.reduce((n, p) => n + p.rows, 0);
  const newEvents = parts.length ? await scalar(db, `SELECT count(DISTINCT event_id) FROM ${parquetRelation(parts.map((p) => p.file))}`) : 0;
  return { parts, newRows, newEvents, outsideDay, repeated };
}

async function scalar(db: DuckDBConnection, sql: string): Promise<number> {
  return Number((await db.runAndReadAll(sql)).getRows()[0][0]);
}
