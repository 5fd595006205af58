/**
 * Writes event lines as one locked Parquet part of the live table. The rows are deduplicated by
 * (event_id, change_index) (the same envelope twice in one object is stored once) and written in
 * a total order, so the same rows give the same bytes: writing a part again is a no-op.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DuckDBConnection } from '@duckdb/node-api';
import { ImmutabilityError } from '../errors';
import { lakeRowsFrom } from '../lake/event-lines';
import { parquetStats, writeParquet } from '../lake/parquet';
import type { Lake } from '../s3/lake';
import { putLockedObject } from '../s3/locked-object';

export interface WrittenPart {
  key: string;
  rows: number;
  events: number;
  sha256: string;
  /** True when the part was already in the lake (a repeated run). */
  existed: boolean;
}

export async function writeLivePart(
  lake: Lake,
  c: DuckDBConnection,
  opts: { lineFiles: string[]; key: string; workDir: string },
): Promise<WrittenPart> {
  const file = path.join(opts.workDir, `${path.basename(opts.key)}`);
  // Ties on the key broken by every column, so which duplicate is kept never depends on input order.
  const relation = `(SELECT * FROM ${lakeRowsFrom(opts.lineFiles)}
    QUALIFY row_number() OVER (PARTITION BY event_id, change_index ORDER BY event_time, source, extra, property, old_value, new_value) = 1)`;
  await writeParquet(c, { relation, outPath: file });
  const stats = await parquetStats(c, file);
  try {
    const put = await putLockedObject(lake, {
      key: opts.key,
      body: await readFile(file),
      contentType: 'application/vnd.apache.parquet',
    });
    return { key: opts.key, rows: stats.rows, events: stats.events, sha256: put.sha256, existed: put.existed };
  } catch (err) {
    // The part of this object (or event) is already in the lake from an earlier run whose input
    // differed (the API answered a later field change): the first one written stands.
    if (!(err instanceof ImmutabilityError)) throw err;
    return { key: opts.key, rows: stats.rows, events: stats.events, sha256: '', existed: true };
  }
}
