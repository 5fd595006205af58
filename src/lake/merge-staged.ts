import { rename } from 'node:fs/promises';
import * as path from 'node:path';
import { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './duckdb';
import { lakeRowsFrom } from './event-lines';
import { PARQUET_OPTIONS, parquetRelation, parquetStats, ParquetStats } from './parquet';

/** Staged chunks per Parquet part: about 500 events a chunk, so parts of ~250k events. */
export const CHUNKS_PER_PART = 500;

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
 * Turns a day's staged event-line chunks (in page order) into Parquet parts holding each
 * (event_id, change_index) once and no event the lake already has. One pass over the JSON:
 * rows stream from the chunks to the parts in page order (the API sorts by time), so memory
 * stays bounded however large the day, and no whole rows are ever sorted. What must not stay
 * (rows outside the day, a later copy of a row the API repeated across pages) is rare: it is
 * found in the narrow columns of the parts just written and removed by rewriting only the parts
 * that hold any. Single-threaded with insertion order kept, so the same chunks give the same bytes.
 */
export async function mergeStaged(
  db: DuckDBConnection,
  opts: { staged: string[]; existing: string[]; day: string; outDir: string; chunksPerPart?: number },
): Promise<MergeResult> {
  const chunksPerPart = opts.chunksPerPart ?? CHUNKS_PER_PART;
  if (opts.staged.length === 0) return { parts: [], newRows: 0, newEvents: 0, outsideDay: 0, repeated: 0 };
  const dayStart = `TIMESTAMP ${sqlString(`${opts.day} 00:00:00`)}`;
  const inDay = `event_time >= ${dayStart} AND event_time < ${dayStart} + INTERVAL 1 DAY`;

  await db.run(
    `CREATE OR REPLACE TEMP TABLE existing AS ${
      opts.existing.length
        ? `SELECT DISTINCT event_id FROM ${parquetRelation(opts.existing)}`
        : 'SELECT NULL::VARCHAR AS event_id WHERE false'
    }`,
  );
  const files: string[] = [];
  for (let i = 0; i < opts.staged.length; i += chunksPerPart) {
    // Zero-padded, so file names sort in part order.
    const file = path.join(opts.outDir, `part-${String(files.length).padStart(4, '0')}.parquet`);
    await db.run(
      `COPY (SELECT * FROM ${lakeRowsFrom(opts.staged.slice(i, i + chunksPerPart))} s
             WHERE NOT EXISTS (SELECT 1 FROM existing x WHERE x.event_id = s.event_id))
       TO ${sqlString(file)} (${PARQUET_OPTIONS})`,
    );
    files.push(file);
  }

  const written = `read_parquet([${files.map(sqlString).join(', ')}], filename = true, file_row_number = true)`;
  const outsideDay = await scalar(db, `SELECT count(*) FROM ${written} WHERE NOT (${inDay})`);
  // Keys staged twice, found by a 64-bit hash first (a narrow aggregate), then exactly.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE repeated_rows AS
     SELECT event_id, change_index, filename, file_row_number FROM ${written}
     WHERE ${inDay} AND hash(event_id, change_index) IN (
       SELECT hash(event_id, change_index) FROM ${written} WHERE ${inDay} GROUP BY 1 HAVING count(*) > 1)`,
  );
  const repeated = await scalar(
    db,
    'SELECT count(*) FROM (SELECT event_id, change_index FROM repeated_rows GROUP BY ALL HAVING count(*) > 1)',
  );
  await db.run(
    `CREATE OR REPLACE TEMP TABLE dropped AS
     SELECT filename, file_row_number FROM ${written} WHERE NOT (${inDay})
     UNION ALL
     (SELECT filename, file_row_number FROM repeated_rows
      QUALIFY row_number() OVER (PARTITION BY event_id, change_index ORDER BY filename, file_row_number) > 1)`,
  );
  const withDrops = (await db.runAndReadAll('SELECT DISTINCT filename FROM dropped'))
    .getRows()
    .map((r) => String(r[0]));
  for (const file of withDrops) {
    const kept = `${file}.kept`;
    await db.run(
      `COPY (SELECT * EXCLUDE (file_row_number) FROM read_parquet(${sqlString(file)}, file_row_number = true) p
             WHERE NOT EXISTS (SELECT 1 FROM dropped d WHERE d.filename = ${sqlString(file)} AND d.file_row_number = p.file_row_number))
       TO ${sqlString(kept)} (${PARQUET_OPTIONS})`,
    );
    await rename(kept, file);
  }

  const parts: MergedPart[] = [];
  for (const file of files) {
    const stats = await parquetStats(db, file);
    if (stats.rows > 0) parts.push({ file, ...stats });
  }
  const newRows = parts.reduce((n, p) => n + p.rows, 0);
  // An event's row 0 is in exactly one part, so the parts' event counts add up.
  const newEvents = parts.reduce((n, p) => n + p.events, 0);
  return { parts, newRows, newEvents, outsideDay, repeated };
}

async function scalar(db: DuckDBConnection, sql: string): Promise<number> {
  return Number((await db.runAndReadAll(sql)).getRows()[0][0]);
}
