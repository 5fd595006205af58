import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { objectExists } from '../s3/not-found';
import { ImmutabilityError } from '../errors';
import { canonicalJson } from '../lake/canonical-json';
import { DuckDbLimits, openScratchDuckDb, sqlString } from '../lake/duckdb';
import { partitionPrefix } from '../lake/keys';
import { FINDINGS_COLUMNS } from '../query/lake-views';
import type { Lake } from '../s3/lake';
import { putLockedObject } from '../s3/locked-object';
import { windowDays } from './params';
import { CheckRun } from './runner';

export interface StoredFindings {
  key: string;
  /** False when the same results of the same check window were already stored: nothing written. */
  written: boolean;
  findings: number;
  resultsSha256: string;
}

/**
 * Findings are evidence, so they go to the lake like events: Parquet, locked, never overwritten.
 * Key: <org>/audit_findings/year=/month=/day=<window start>/<check>-<from>-<to>-<sha12>.parquet,
 * where sha12 is the hash of the results (findings and parameters, not the run time). Running the
 * same check over the same window again with the same results writes nothing; different results
 * (late events, other parameters) are a new object beside the first. A run with no findings
 * writes no object.
 */
export async function storeFindings(
  deps: { lake: Lake; duckdb: DuckDbLimits },
  org: string,
  run: Pick<CheckRun, 'check' | 'window' | 'params' | 'findings' | 'stats'>,
  runAt: string,
): Promise<StoredFindings | null> {
  if (run.findings.length === 0) return null;
  const resultsSha256 = createHash('sha256')
    .update(canonicalJson({ check: run.check.id, window: run.window, params: run.params, findings: run.findings }))
    .digest('hex');
  const key = findingsKey(org, run, resultsSha256);
  if (await objectExists(deps.lake.s3, deps.lake.bucket, key))
    return { key, written: false, findings: run.findings.length, resultsSha256 };

  const db = await openScratchDuckDb('findings', deps.duckdb);
  const work = db.dir;
  try {
    const rows = run.findings.map((f) => ({
      check_id: f.checkId,
      title: f.title,
      severity: f.severity,
      controls: JSON.stringify(f.controls),
      window_from: f.window.from,
      window_to: f.window.to,
      finding_key: f.key,
      user_id: f.userId,
      event_ids: JSON.stringify(f.eventIds),
      event_count: f.eventIds.length,
      first_event_time: f.firstEventTime,
      last_event_time: f.lastEventTime,
      summary: f.summary,
      details: JSON.stringify({
        summary: f.summary,
        engine: run.stats.engine,
        bytesScanned: run.stats.bytesScanned,
        filesRead: run.stats.filesRead,
      }),
      parameters: JSON.stringify(run.params),
      results_sha256: resultsSha256,
      run_at: runAt,
      engine: run.stats.engine,
    }));
    const json = path.join(work, 'findings.ndjson');
    await writeFile(json, rows.map((r) => JSON.stringify(r)).join('\n'));
    const columns = FINDINGS_COLUMNS.map(
      (c) => `${c.name}: ${sqlString(c.duckdb === 'TIMESTAMP' ? 'VARCHAR' : c.duckdb)}`,
    ).join(', ');
    const select = FINDINGS_COLUMNS.map((c) =>
      c.duckdb === 'TIMESTAMP'
        ? `CAST(CAST(${c.name} AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS TIMESTAMP_MS) AS ${c.name}`
        : c.name,
    ).join(', ');
    const out = path.join(work, 'findings.parquet');
    await db.connection.run(`SET TimeZone = 'UTC'`);
    await db.connection.run(
      `COPY (SELECT ${select} FROM read_json(${sqlString(json)}, format = 'newline_delimited', columns = {${columns}}) ORDER BY first_event_time, finding_key)
       TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    try {
      await putLockedObject(deps.lake, {
        key,
        body: await readFile(out),
        contentType: 'application/vnd.apache.parquet',
      });
    } catch (err) {
      // A concurrent run stored the same results first (its run time differs): that is the record.
      if (!(err instanceof ImmutabilityError)) throw err;
      return { key, written: false, findings: run.findings.length, resultsSha256 };
    }
    return { key, written: true, findings: run.findings.length, resultsSha256 };
  } finally {
    await db.close();
  }
}

export function findingsKey(org: string, run: Pick<CheckRun, 'check' | 'window'>, resultsSha256: string): string {
  const compact = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${partitionPrefix(org, 'audit_findings', windowDays(run.window).from)}${run.check.id}-${compact(run.window.from)}-${compact(run.window.to)}-${resultsSha256.slice(0, 12)}.parquet`;
}
