import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { downloadObjects } from '../s3/download-objects';
import { listKeys } from '../s3/list-objects';
import { deleteAllVersions } from '../s3/object-versions';
import type { Lake } from '../s3/lake';
import { putLockedObject } from '../s3/locked-object';
import { DuckDbLimits, openScratchDuckDb } from './duckdb';
import { attestCompleteness, StreamSide } from './completeness';
import { eventPartKey, partitionPrefix, quarantineKey } from './keys';
import { Manifest, MANIFEST_SCHEMA, ManifestBody, ManifestObject, ManifestQuery } from './manifest';
import { ManifestChain } from './manifest-chain';
import { mergeStaged } from './merge-staged';
import { parquetRelation } from './parquet';
import { ManifestSigner } from './signing';

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
  /**
   * Computes the reconciliation from the day's API event ids (every version), when a version is
   * written. The ids are read only when asked for: without a stream there is nothing to compare,
   * and a day's ids are a day's worth of strings in the worker's heap.
   */
  reconcile?: (apiEventIds: () => Promise<string[]>) => Promise<object | null>;
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
  lake: Lake;
  duckdb: DuckDbLimits;
  signer: ManifestSigner;
}

/**
 * Seals a day: merges the staged pages (duplicates across pages removed, mergeStaged), keeps only
 * events the lake does not already hold for that day, writes them as locked Parquet parts, and appends a
 * signed manifest to the chain. Sealing again with nothing new changes nothing; late events
 * become a supplement of a new version. Empty days get a manifest too.
 */
export async function sealDay(deps: SealerDeps, req: SealRequest): Promise<SealResult> {
  const { s3, bucket } = deps.lake;
  const chain = new ManifestChain(deps.lake, req.org);
  const previous = await chain.dayManifests(req.day);
  const db = await openScratchDuckDb('seal', deps.duckdb);
  const work = db.dir;
  try {
    const staged = await downloadObjects(
      s3,
      bucket,
      await listKeys(s3, bucket, req.stagingPrefix),
      path.join(work, 'staged'),
      '.ndjson',
    );
    const existing = await downloadObjects(
      s3,
      bucket,
      previous.flatMap((m) => m.objects.filter((o) => o.table === 'audit_events').map((o) => o.key)),
      path.join(work, 'existing'),
      '.parquet',
    );

    const c = db.connection;
    const merged = await mergeStaged(c, { staged, existing, day: req.day, outDir: work });
    const { newRows, newEvents, outsideDay } = merged;

    const last = previous.at(-1);
    if (last && newRows === 0) {
      await deleteStaging(s3, bucket, req.stagingPrefix);
      return summary(last, await chain.dayPointers(req.day), { changed: false, newEvents: 0, newRows: 0, outsideDay });
    }

    const version = (last?.version ?? 0) + 1;
    const objects: ManifestObject[] = [];
    for (const [index, part] of merged.parts.entries()) {
      const key = eventPartKey(req.org, req.day, version, index);
      const put = await putLockedObject(deps.lake, {
        key,
        body: await readFile(part.file),
        contentType: 'application/vnd.apache.parquet',
      });
      const { file: _file, ...stats } = part;
      objects.push({
        table: 'audit_events',
        key,
        versionId: put.versionId,
        sha256: put.sha256,
        bytes: put.bytes,
        ...stats,
      });
    }

    const dayParts = [...merged.parts.map((p) => p.file), ...existing];
    let reconciliation: Record<string, unknown> | null = null;
    if (req.reconcile) {
      const ids = async () =>
        dayParts.length
          ? (await c.runAndReadAll(`SELECT DISTINCT event_id FROM ${parquetRelation(dayParts)}`))
              .getRows()
              .map((r) => String(r[0]))
          : [];
      reconciliation = (await req.reconcile(ids)) as Record<string, unknown> | null;
    }
    const liveParts = await downloadObjects(
      s3,
      bucket,
      (await listKeys(s3, bucket, partitionPrefix(req.org, 'audit_events_live', req.day))).filter((k) =>
        k.endsWith('.parquet'),
      ),
      path.join(work, 'live'),
      '.parquet',
    );
    const completeness = await attestCompleteness(c, {
      day: req.day,
      staged,
      sealedParts: dayParts,
      liveParts,
      stream: (reconciliation as StreamSide | null) ?? null,
      quarantined: await countQuarantined(s3, bucket, req.org, req.day),
    });

    const before = last?.dayTotals ?? { events: 0, rows: 0, objects: 0 };
    const body: ManifestBody = {
      schema: MANIFEST_SCHEMA,
      org: req.org,
      day: req.day,
      version,
      sealedAt: req.sealedAt,
      objects,
      dayTotals: {
        events: before.events + newEvents,
        rows: before.rows + newRows,
        objects: before.objects + objects.length,
      },
      query: req.query,
      masking: { hmacKeyId: req.hmacKeyId, extraAllowlist: req.extraAllowlist },
      reconciliation,
      completeness,
    };
    const link = await chain.append(body, deps.signer, req.alreadyAt);
    req.onAppended?.(link.sequence);
    const pointer = { day: req.day, version, sequence: link.sequence, key: link.key, sha256: link.sha256 };
    await chain.writeDayPointer(pointer);
    await deleteStaging(s3, bucket, req.stagingPrefix);
    return summary(link.manifest, [pointer], { changed: true, newEvents, newRows, outsideDay });
  } finally {
    await db.close();
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

/** API records of the day that could not be transformed (quarantine/api/<day>/..., each object a page's records). */
async function countQuarantined(s3: S3Client, bucket: string, org: string, day: string): Promise<number> {
  let records = 0;
  for (const key of await listKeys(s3, bucket, `${quarantineKey(org, 'api', day).slice(0, -'.json'.length)}/`)) {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = JSON.parse(await res.Body!.transformToString()) as { records?: unknown[] };
    records += body.records?.length ?? 0;
  }
  return records;
}

/** Staging holds no evidence once the day is sealed: every version goes (the bucket is versioned). */
async function deleteStaging(s3: S3Client, bucket: string, prefix: string): Promise<void> {
  // Staging chunks hold a one-day GOVERNANCE lock of their own (staging.ts): bypass it.
  await deleteAllVersions(s3, bucket, prefix, { bypassGovernance: true });
}
