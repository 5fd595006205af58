/**
 * The OCSF copy of a sealed day for Amazon Security Lake, derived from the sealed lake only (the
 * lake stays the record; the copy can be rebuilt from it at any time): for each seal version of
 * the day, that version's event parts are folded back into events, mapped (mapping.ts) and
 * written as one Parquet file per OCSF class in the custom source layout.
 */
import { createWriteStream, WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../config/config';
import { DuckDbLimits, openScratchDuckDb, sqlString } from '../lake/duckdb';
import { ManifestChain } from '../lake/manifest-chain';
import { sha256OfBytes } from '../lake/manifest';
import { PARQUET_OPTIONS, parquetRelation } from '../lake/parquet';
import type { Lake } from '../s3/lake';
import { objectExists } from '../s3/not-found';
import { OCSF_CLASSES, OcsfClassName } from './classes';
import { ocsfObjectKey } from './keys';
import { MapContext, mapEvent, OcsfSourceEvent } from './mapping';
import { ocsfColumns } from './parquet-schema';

export interface OcsfDayResult {
  org: string;
  day: string;
  /** Seal versions of the day found in the chain. */
  versions: number;
  events: number;
  /** Events per class, over every version. */
  perClass: Record<OcsfClassName, number>;
  objects: Array<{
    key: string;
    className: OcsfClassName;
    version: number;
    events: number;
    sha256?: string;
    written: boolean;
  }>;
}

export interface OcsfExportDeps {
  /** The lake read from; its client also writes the copy to `ocsf.bucket`. */
  lake: Lake;
  ocsf: Config['ocsf'];
  genesysRegion: MapContext['genesysRegion'];
  duckdb: DuckDbLimits;
}

/** The settings the export needs, from the configuration (the worker's activities and the CLI). */
export const ocsfExportDeps = (config: Config, lake: Lake): OcsfExportDeps => ({
  lake,
  ocsf: config.ocsf,
  genesysRegion: config.genesys.region,
  duckdb: config.duckdb,
});

/** Writes the OCSF objects of one sealed day; objects already there (a retry, a repeated run) are left as they are unless `force`. */
export async function exportOcsfDay(
  deps: OcsfExportDeps,
  input: { org: string; day: string; force?: boolean },
): Promise<OcsfDayResult> {
  const { lake } = deps;
  const { s3 } = lake;
  const chain = new ManifestChain(lake, input.org);
  const manifests = await chain.dayManifests(input.day);
  const perClass = { accountChange: 0, authentication: 0, entityManagement: 0, apiActivity: 0 } satisfies Record<
    OcsfClassName,
    number
  >;
  const result: OcsfDayResult = {
    org: input.org,
    day: input.day,
    versions: manifests.length,
    events: 0,
    perClass,
    objects: [],
  };
  const ctx: MapContext = { org: input.org, genesysRegion: deps.genesysRegion };
  const { region, accountId, bucket } = deps.ocsf;
  const db = await openScratchDuckDb('ocsf', deps.duckdb);
  const work = db.dir;
  try {
    for (const m of manifests) {
      const parts = m.objects.filter((o) => o.table === 'audit_events');
      if (parts.length === 0) continue;
      const targets = (Object.keys(OCSF_CLASSES) as OcsfClassName[]).map((className) => ({
        className,
        key: ocsfObjectKey(OCSF_CLASSES[className], region, accountId, input.org, input.day, m.version),
      }));
      const files = await download(
        s3,
        lake.bucket,
        parts.map((p) => p.key),
        path.join(work, `v${m.version}`),
      );
      // Events stream from DuckDB chunk by chunk into one JSON-lines file per class: a day is
      // never held in memory (a 250k-event day was hundreds of MB of strings in the worker).
      const lines = await mapToClassFiles(db.connection, files, ctx, path.join(work, `v${m.version}`));
      for (const [className, n] of lines.counts) perClass[className] += n;
      result.events += lines.events;
      for (const t of targets) {
        const classEvents = lines.counts.get(t.className);
        if (!classEvents) continue;
        if (!input.force && (await objectExists(s3, bucket, t.key))) {
          result.objects.push({
            key: t.key,
            className: t.className,
            version: m.version,
            events: classEvents,
            written: false,
          });
          continue;
        }
        const file = path.join(work, `v${m.version}-${t.className}.parquet`);
        await writeOcsfParquetFromJson(db.connection, t.className, lines.files.get(t.className)!, file);
        const body = await readFile(file);
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: t.key,
            Body: body,
            ContentType: 'application/vnd.apache.parquet',
          }),
        );
        result.objects.push({
          key: t.key,
          className: t.className,
          version: m.version,
          events: classEvents,
          sha256: sha256OfBytes(body),
          written: true,
        });
      }
    }
    return result;
  } finally {
    await db.close();
  }
}

/**
 * The lake rows of Parquet files folded back into events, a chunk at a time, in no particular
 * order: each class's Parquet is sorted by time and event id when written (writeOcsfParquet), so
 * the day's JSON is not sorted twice.
 */
export async function* lakeEventChunks(db: DuckDBConnection, files: string[]): AsyncGenerator<OcsfSourceEvent[]> {
  if (files.length === 0) return;
  const result = await db.stream(`
    SELECT to_json({
      eventId: event_id,
      eventTime: strftime(min(event_time), '%Y-%m-%dT%H:%M:%S.%gZ'),
      serviceName: any_value(service_name), level: any_value(level), action: any_value(action), status: any_value(status),
      entityType: any_value(entity_type), entityId: any_value(entity_id), entityName: any_value(entity_name),
      userId: any_value(user_id), userName: any_value(user_name), clientId: any_value(client_id), remoteIp: any_value(remote_ip),
      transactionId: any_value(transaction_id), source: any_value(source), extra: any_value(extra),
      changes: coalesce(list({property: property, oldValue: old_value, newValue: new_value} ORDER BY change_index)
        FILTER (WHERE property IS NOT NULL OR old_value IS NOT NULL OR new_value IS NOT NULL), [])
    })::VARCHAR
    FROM ${parquetRelation(files)} GROUP BY event_id`);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    yield (chunk.getColumnValues(0) as string[]).map((json) => JSON.parse(json) as OcsfSourceEvent);
  }
}

/** Maps the events of Parquet files into one JSON-lines file per OCSF class (`<prefix>-<class>.ndjson`). */
async function mapToClassFiles(
  db: DuckDBConnection,
  parts: string[],
  ctx: MapContext,
  prefix: string,
): Promise<{ events: number; counts: Map<OcsfClassName, number>; files: Map<OcsfClassName, string> }> {
  const counts = new Map<OcsfClassName, number>();
  const files = new Map<OcsfClassName, string>();
  const writers = new Map<OcsfClassName, WriteStream>();
  let events = 0;
  try {
    for await (const chunk of lakeEventChunks(db, parts)) {
      const text = new Map<OcsfClassName, string>();
      for (const e of chunk) {
        const mapped = mapEvent(e, ctx);
        counts.set(mapped.className, (counts.get(mapped.className) ?? 0) + 1);
        text.set(mapped.className, `${text.get(mapped.className) ?? ''}${JSON.stringify(mapped.event)}\n`);
      }
      events += chunk.length;
      for (const [className, lines] of text) {
        let out = writers.get(className);
        if (!out) {
          const file = `${prefix}-${className}.ndjson`;
          files.set(className, file);
          out = createWriteStream(file);
          writers.set(className, out);
        }
        if (!out.write(lines)) await once(out, 'drain');
      }
    }
  } finally {
    await Promise.all([...writers.values()].map((w) => new Promise((resolve) => w.end(resolve))));
  }
  return { events, counts, files };
}

/** One class's events (JSON lines) as Parquet with the class's fixed schema, ordered by time and event id (same events, same bytes). */
export async function writeOcsfParquet(
  db: DuckDBConnection,
  className: OcsfClassName,
  lines: string[],
  outPath: string,
): Promise<void> {
  const json = `${outPath}.ndjson`;
  await writeFile(json, `${lines.join('\n')}\n`);
  await writeOcsfParquetFromJson(db, className, json, outPath);
}

/** writeOcsfParquet from a JSON-lines file, which it removes. */
async function writeOcsfParquetFromJson(
  db: DuckDBConnection,
  className: OcsfClassName,
  json: string,
  outPath: string,
): Promise<void> {
  const columns = ocsfColumns(className);
  const spec = columns.map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`).join(', ');
  const select = columns.map(([name]) => `"${name}"`).join(', ');
  await db.run(
    `COPY (SELECT ${select} FROM read_json(${sqlString(json)}, format = 'newline_delimited', columns = {${spec}})
           ORDER BY "time", "metadata".uid)
     TO ${sqlString(outPath)} (${PARQUET_OPTIONS})`,
  );
  await rm(json, { force: true });
}

/** OCSF events back from a Parquet file as JSON objects: Parquet nulls are absent attributes. */
export async function readOcsfParquet(db: DuckDBConnection, file: string): Promise<Array<Record<string, unknown>>> {
  const reader = await db.runAndReadAll(`SELECT to_json(t)::VARCHAR FROM read_parquet(${sqlString(file)}) t`);
  return reader.getRows().map((r) => dropNulls(JSON.parse(String(r[0]))) as Record<string, unknown>);
}

function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = dropNulls(x);
    return out;
  }
  return v;
}

async function download(s3: S3Client, bucket: string, keys: string[], dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const [i, key] of keys.entries()) {
    const file = path.join(dir, `${String(i).padStart(6, '0')}.parquet`);
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await pipeline(res.Body as Readable, createWriteStream(file));
    files.push(file);
  }
  return files;
}
