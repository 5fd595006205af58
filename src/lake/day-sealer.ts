import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { LAKE_COLUMNS } from '../model/canonical';
import { DuckDBConnection } from '@duckdb/node-api';
import { Config } from '../config/config';
import { putLockedObject } from '../s3/locked-object';
import { openDuckDb, sqlString } from './duckdb';
import { eventPartKey } from './keys';
import { Manifest, MANIFEST_SCHEMA, ManifestBody, ManifestObject, ManifestQuery } from './manifest';
import { ManifestChain } from './manifest-chain';
import { LAKE_SELECT, parquetRelation, parquetStats, rowFilesRelation, writeParquet } from './parquet';
import { ManifestSigner } from './signing';

/** Rows per sealed part file; a day larger than this gets several parts. */
export const ROWS_PER_PART = 2_000_000;

export interface SealRequest {
  org: string;
  day: string;
  /** Where this collection run staged its pages (_staging/<org>/<day>/<run>/). */
  stagingPrefix: string;
  query: ManifestQuery | null;
  /** From the workflow, so a retried seal writes the same bytes. */
  sealedAt: string;
  hmacKeyId: string;
  extraAllowlist: string[];
  reconciliation?: Record<string, unknown> | null;
  /** Chain sequence this seal already reached before a crash (heartbeat details). */
  alreadyAt?: number;
  onAppended?: (sequence: number) => void;
}

export interface SealResult {
  day: string;
  /** False when the lake already held every event: nothing was written. */
  changed: boolean;
  version: number;
  sequence: number;
  manifestKey: string;
  manifestSha256: string;
  newEvents: number;
  newRows: number;
  dayEvents: number;
  objects: Array<Pick<ManifestObject, 'key' | 'sha256' | 'rows' | 'events'>>;
  /** Staged rows whose event time falls outside the day (reported, not stored here). */
  outsideDay: number;
}

export interface SealerDeps {
  s3: S3Client;
  config: Config;
  signer: ManifestSigner;
}

/**
 * Seals a day: merges the staged pages (duplicates across pages removed), keeps only events the
 * lake does not already hold for that day, writes them as locked Parquet parts, and appends a
 * signed manifest to the chain. Sealing again with nothing new changes nothing; late events
 * become a supplement of a new version. Empty days get a manifest too.
 */
export async function sealDay(deps: SealerDeps, req: SealRequest): Promise<SealResult> {
  const { s3, config } = deps;
  const bucket = config.s3.bucket;
  const chain = new ManifestChain({ s3, bucket, org: req.org, lake: config.lake });
  const previous = await chain.dayManifests(req.day);
  const work = await mkdtemp(path.join(tmpdir(), 'gcaudit-seal-'));
  const db = await openDuckDb({ threads: 1, memoryLimit: '256MB', tempDirectory: path.join(work, 'spill') });
  try {
    const staged = await download(s3, bucket, await listKeys(s3, bucket, req.stagingPrefix), path.join(work, 'staged'), '.ndjson.gz');
    const existing = await download(
      s3,
      bucket,
      previous.flatMap((m) => m.objects.filter((o) => o.table === 'audit_events').map((o) => o.key)),
      path.join(work, 'existing'),
      '.parquet',
    );

    const c = db.connection;
    const dayStart = `${req.day} 00:00:00`;
    await c.run(`CREATE TEMP TABLE staged AS SELECT ${LAKE_SELECT} FROM ${staged.length ? rowFilesRelation(staged) : emptyRelation()}`);
    const outsideDay = await scalar(
      c,
      `SELECT count(*) FROM staged WHERE NOT (event_time >= TIMESTAMP ${sqlString(dayStart)} AND event_time < TIMESTAMP ${sqlString(dayStart)} + INTERVAL 1 DAY)`,
    );
    // One row per (event_id, change_index): the same event on two pages is stored once.
    await c.run(
      `CREATE TEMP TABLE fresh AS
       SELECT * FROM staged
       WHERE event_time >= TIMESTAMP ${sqlString(dayStart)} AND event_time < TIMESTAMP ${sqlString(dayStart)} + INTERVAL 1 DAY
         ${existing.length ? `AND event_id NOT IN (SELECT DISTINCT event_id FROM ${parquetRelation(existing)})` : ''}
       QUALIFY row_number() OVER (PARTITION BY event_id, change_index ORDER BY event_time) = 1`,
    );
    const newRows = await scalar(c, 'SELECT count(*) FROM fresh');
    const newEvents = await scalar(c, 'SELECT count(DISTINCT event_id) FROM fresh');

    const last = previous.at(-1);
    if (last && newRows === 0) {
      await deleteStaging(s3, bucket, req.stagingPrefix);
      return summary(last, await chain.dayPointers(req.day), { changed: false, newEvents: 0, newRows: 0, outsideDay });
    }

    const version = (last?.version ?? 0) + 1;
    const objects: ManifestObject[] = [];
    const parts = Math.ceil(newRows / ROWS_PER_PART);
    for (let part = 0; part < parts; part++) {
      const file = path.join(work, `part-${part}.parquet`);
      // A total order (event_time, event_id, change_index) makes each part's rows, and bytes, deterministic.
      await writeParquet(c, {
        relation: `(SELECT * FROM fresh ORDER BY event_time, event_id, change_index LIMIT ${ROWS_PER_PART} OFFSET ${part * ROWS_PER_PART})`,
        outPath: file,
      });
      const key = eventPartKey(req.org, req.day, version, part);
      const put = await putLockedObject(s3, {
        bucket,
        key,
        body: await readFile(file),
        contentType: 'application/vnd.apache.parquet',
        lake: config.lake,
      });
      objects.push({ table: 'audit_events', key, versionId: put.versionId, sha256: put.sha256, bytes: put.bytes, ...(await parquetStats(c, file)) });
    }

    const before = last?.dayTotals ?? { events: 0, rows: 0, objects: 0 };
    const body: ManifestBody = {
      schema: MANIFEST_SCHEMA,
      org: req.org,
      day: req.day,
      version,
      sealedAt: req.sealedAt,
      objects,
      dayTotals: { events: before.events + newEvents, rows: before.rows + newRows, objects: before.objects + objects.length },
      query: req.query,
      masking: { hmacKeyId: req.hmacKeyId, extraAllowlist: req.extraAllowlist },
      reconciliation: req.reconciliation ?? null,
    };
    const link = await chain.append(body, deps.signer, req.alreadyAt);
    req.onAppended?.(link.sequence);
    const pointer = { day: req.day, version, sequence: link.sequence, key: link.key, sha256: link.sha256 };
    await chain.writeDayPointer(pointer);
    await deleteStaging(s3, bucket, req.stagingPrefix);
    return summary(link.manifest, [pointer], { changed: true, newEvents, newRows, outsideDay });
  } finally {
    db.close();
    await rm(work, { recursive: true, force: true });
  }
}

function summary(
  manifest: Manifest,
  pointers: Array<{ version: number; key: string; sha256: string }>,
  extra: { changed: boolean; newEvents: number; newRows: number; outsideDay: number },
): SealResult {
  const pointer = pointers.find((p) => p.version === manifest.version)!;
  return {
    day: manifest.day,
    version: manifest.version,
    sequence: manifest.sequence,
    manifestKey: pointer.key,
    manifestSha256: pointer.sha256,
    dayEvents: manifest.dayTotals.events,
    objects: manifest.objects.map(({ key, sha256, rows, events }) => ({ key, sha256, rows, events })),
    ...extra,
  };
}

/** A relation with the lake's columns and no rows, for a day with nothing staged. */
function emptyRelation(): string {
  return `(SELECT ${LAKE_COLUMNS.map((col) => `NULL::${col.name === 'event_time' ? 'TIMESTAMP_MS' : col.duckdb} AS ${col.name}`).join(', ')} WHERE false)`;
}

async function scalar(c: DuckDBConnection, sql: string): Promise<number> {
  return Number((await c.runAndReadAll(sql)).getRows()[0][0]);
}

export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

async function download(s3: S3Client, bucket: string, keys: string[], dir: string, extension: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const [i, key] of keys.entries()) {
    const file = path.join(dir, `${String(i).padStart(6, '0')}${extension}`);
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await pipeline(res.Body as Readable, createWriteStream(file));
    files.push(file);
  }
  return files;
}

/** Staging holds no evidence once the day is sealed: every version goes (the bucket is versioned). */
async function deleteStaging(s3: S3Client, bucket: string, prefix: string): Promise<void> {
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
    if (objects.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
}
