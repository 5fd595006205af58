import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DayNotSealedError } from '../errors';
import { DuckDbLimits, openScratchDuckDb, sqlString } from '../lake/duckdb';
import { AccessTable, ACCESS_TABLES, accessPartKey, accessStagingKey, accessStagingPrefix } from '../lake/keys';
import { AccessSnapshotStatement, Manifest, MANIFEST_SCHEMA, ManifestBody, ManifestObject } from '../lake/manifest';
import { ManifestChain } from '../lake/manifest-chain';
import { PARQUET_OPTIONS } from '../lake/parquet';
import { writeStagingChunk } from '../lake/staging';
import { ManifestSigner } from '../lake/signing';
import { ACCESS_COLUMNS, AccessColumn } from '../model/access-tables';
import type { Lake } from '../s3/lake';
import { listKeys } from '../s3/list-objects';
import { putLockedObject } from '../s3/locked-object';
import { deleteAllVersions } from '../s3/object-versions';
import type { CollectedSnapshot } from './collect-snapshot';

export interface StagedSnapshot {
  capturedAt: string;
  orgId: string;
  requests: number;
  /** Tables staged (the readable ones and access_coverage), with their row counts. */
  tables: Array<{ table: AccessTable; rows: number }>;
  notReadable: Array<{ table: string; missingPermission: string | null }>;
}

export interface SnapshotResult {
  day: string;
  /** False when the day already held its snapshot: nothing was written. */
  changed: boolean;
  version: number;
  sequence: number;
  manifestKey: string;
  capturedAt: string;
  requests: number;
  objects: Array<{ table: string; key: string; sha256: string; rows: number }>;
  notReadable: Array<{ table: string; missingPermission: string | null }>;
}

/** The day's manifest version that holds its access snapshot, if any. */
export async function existingSnapshot(chain: ManifestChain, day: string): Promise<Manifest | undefined> {
  return (await chain.dayManifests(day)).find((m) => m.accessSnapshot);
}

/**
 * Stages the collected rows (already masked) under _staging/, one NDJSON object per table, with
 * the common columns. Readable tables only: a table the client may not read gets no file, only
 * its coverage row.
 */
export async function stageSnapshot(
  lake: Lake,
  opts: { org: string; day: string; runId: string; capturedAt: string; collected: CollectedSnapshot },
): Promise<StagedSnapshot> {
  const { collected } = opts;
  const common = { org_id: collected.orgId, snapshot_day: opts.day, captured_at: opts.capturedAt };
  const tables: StagedSnapshot['tables'] = [];
  const stage = async (table: AccessTable, rows: object[]) => {
    await writeStagingChunk(lake, {
      key: accessStagingKey(opts.org, opts.day, opts.runId, table),
      lines: rows.map((r) => JSON.stringify({ ...common, ...r })),
    });
    tables.push({ table, rows: rows.length });
  };
  for (const [table, rows] of Object.entries(collected.tables) as Array<[AccessTable, object[] | null]>) {
    if (rows !== null) await stage(table, rows);
  }
  await stage('access_coverage', collected.coverage);
  return {
    capturedAt: opts.capturedAt,
    orgId: collected.orgId,
    requests: collected.requests,
    tables,
    notReadable: collected.coverage
      .filter((c) => !c.readable)
      .map((c) => ({ table: c.table_name, missingPermission: c.missing_permission })),
  };
}

export interface WriteSnapshotRequest {
  org: string;
  day: string;
  runId: string;
  /** From the workflow, so a retried write states the same time. */
  sealedAt: string;
  hmacKeyId: string;
  extraAllowlist: string[];
  alreadyAt?: number;
  onAppended?: (sequence: number) => void;
}

/**
 * Writes the staged snapshot as one locked Parquet file per table and adds it to the day's
 * manifests as a new version in the signed chain (objects: the access tables; events unchanged),
 * then its day pointer, then removes the staging. The Parquet bytes are a function of the staged
 * rows (sorted, one thread), so a retried write re-puts the same bytes (a no-op). A day that
 * already has its snapshot is left as it is.
 */
export async function writeSnapshot(
  deps: { lake: Lake; duckdb: DuckDbLimits; signer: ManifestSigner },
  req: WriteSnapshotRequest,
): Promise<SnapshotResult> {
  const { s3, bucket } = deps.lake;
  const chain = new ManifestChain(deps.lake, req.org);
  const manifests = await chain.dayManifests(req.day);
  const stagingPrefix = accessStagingPrefix(req.org, req.day, req.runId);
  const done = manifests.find((m) => m.accessSnapshot);
  if (done) {
    await deleteAllVersions(s3, bucket, stagingPrefix, { bypassGovernance: true });
    return result(done, (await chain.dayPointers(req.day)).find((p) => p.version === done.version)!.key, false);
  }
  const last = manifests.at(-1);
  if (!last)
    throw new DayNotSealedError(
      `${req.day} is not sealed: collect the day first, its access snapshot is listed in the day's manifest`,
    );

  const staged = new Set(await listKeys(s3, bucket, stagingPrefix));
  const db = await openScratchDuckDb('access', deps.duckdb);
  const work = db.dir;
  try {
    const objects: ManifestObject[] = [];
    let coverage: AccessSnapshotStatement['coverage'] = [];
    let capturedAt = '';
    let orgId = '';
    for (const table of ACCESS_TABLES) {
      const stagedKey = accessStagingKey(req.org, req.day, req.runId, table);
      if (!staged.has(stagedKey)) continue;
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: stagedKey }));
      const text = await res.Body!.transformToString();
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      if (table === 'access_coverage') {
        const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        coverage = rows.map((r) => ({
          table: String(r.table_name),
          readable: r.readable === true,
          missingPermission: (r.missing_permission as string | null) ?? null,
          rows: Number(r.row_count),
          requests: Number(r.requests),
        }));
        capturedAt = String(rows[0]?.captured_at ?? '');
        orgId = String(rows[0]?.org_id ?? '');
      }
      const file = path.join(work, `${table}.parquet`);
      const input = path.join(work, `${table}.ndjson`);
      await writeFile(input, text);
      await db.connection.run(copySql(table, lines.length > 0 ? input : null, file));
      const key = accessPartKey(req.org, table, req.day);
      const put = await putLockedObject(deps.lake, {
        key,
        body: await readFile(file),
        contentType: 'application/vnd.apache.parquet',
      });
      objects.push({
        table,
        key,
        versionId: put.versionId,
        sha256: put.sha256,
        bytes: put.bytes,
        rows: lines.length,
        events: 0,
        minEventTime: null,
        maxEventTime: null,
      });
    }
    if (!coverage.length) throw new DayNotSealedError(`${req.day}: no staged access snapshot under ${stagingPrefix}`);
    const body: ManifestBody = {
      schema: MANIFEST_SCHEMA,
      org: req.org,
      day: req.day,
      version: last.version + 1,
      sealedAt: req.sealedAt,
      objects,
      dayTotals: { ...last.dayTotals, objects: last.dayTotals.objects + objects.length },
      query: null,
      masking: { hmacKeyId: req.hmacKeyId, extraAllowlist: req.extraAllowlist },
      // The events did not change: the day's reconciliation and attestation carry over.
      reconciliation: last.reconciliation,
      ...(last.completeness ? { completeness: last.completeness } : {}),
      accessSnapshot: {
        capturedAt,
        orgId,
        requests: coverage.reduce((n, c) => n + c.requests, 0),
        coverage,
      },
    };
    const link = await chain.append(body, deps.signer, req.alreadyAt);
    req.onAppended?.(link.sequence);
    await chain.writeDayPointer({
      day: req.day,
      version: body.version,
      sequence: link.sequence,
      key: link.key,
      sha256: link.sha256,
    });
    await deleteAllVersions(s3, bucket, stagingPrefix, { bypassGovernance: true });
    return result(link.manifest, link.key, true);
  } finally {
    await db.close();
  }
}

function result(m: Manifest, manifestKey: string, changed: boolean): SnapshotResult {
  const s = m.accessSnapshot!;
  return {
    day: m.day,
    changed,
    version: m.version,
    sequence: m.sequence,
    manifestKey,
    capturedAt: s.capturedAt,
    requests: s.requests,
    objects: m.objects.map((o) => ({ table: o.table, key: o.key, sha256: o.sha256, rows: o.rows })),
    notReadable: s.coverage
      .filter((c) => !c.readable)
      .map((c) => ({ table: c.table, missingPermission: c.missingPermission })),
  };
}

/** Staged JSON lines to typed Parquet, in the contract's column order, sorted so the bytes depend only on the rows. */
function copySql(table: AccessTable, input: string | null, out: string): string {
  const columns = ACCESS_COLUMNS[table];
  const jsonType = (c: AccessColumn) => (c.duckdb === 'TIMESTAMP' ? 'VARCHAR' : c.duckdb);
  const relation = input
    ? `read_json(${sqlString(input)}, format = 'newline_delimited', columns = {${columns.map((c) => `${sqlString(c.name)}: ${sqlString(jsonType(c))}`).join(', ')}})`
    : `(SELECT ${columns.map((c) => `NULL::${jsonType(c)} AS ${c.name}`).join(', ')} WHERE false)`;
  const select = columns
    .map((c) =>
      c.duckdb === 'TIMESTAMP'
        ? `CAST(rtrim(replace(${c.name}, 'T', ' '), 'Z') AS TIMESTAMP) AS ${c.name}`
        : `CAST(${c.name} AS ${c.duckdb}) AS ${c.name}`,
    )
    .join(', ');
  return `COPY (SELECT ${select} FROM ${relation} ORDER BY ALL) TO ${sqlString(out)} (${PARQUET_OPTIONS})`;
}
