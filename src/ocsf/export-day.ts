/**
 * The OCSF copy of a sealed day for Amazon Security Lake, derived from the sealed lake only (the
 * lake stays the record; the copy can be rebuilt from it at any time): for each seal version of
 * the day, that version's event parts are folded back into events, mapped (mapping.ts) and
 * written as one Parquet file per OCSF class in the custom source layout.
 */
import { createReadStream, createWriteStream, WriteStream } from 'node:fs';
import { once } from 'node:events';
import { readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DuckDBConnection } from '@duckdb/node-api';
import { parse } from 'csv-parse';
import type { Config } from '../config/config';
import { DuckDbLimits, openScratchDuckDb, sqlString } from '../lake/duckdb';
import { ManifestChain } from '../lake/manifest-chain';
import { sha256OfBytes } from '../lake/manifest';
import { parquetRelation, WIDE_PARQUET_OPTIONS } from '../lake/parquet';
import type { Lake } from '../s3/lake';
import { downloadObjects } from '../s3/download-objects';
import { objectExists } from '../s3/not-found';
import { OCSF_CLASSES, OcsfClassName } from './classes';
import { ocsfObjectKey } from './keys';
import { MapContext, mapEvent, OcsfSourceEvent } from './mapping';
import { ocsfColumns } from './parquet-schema';

/**
 * Events per JSON-lines file between the mapping and DuckDB's JSON reader, which buffers in
 * proportion to its file (2000 events: +15 MB).
 */
const EVENTS_PER_JSON_FILE = 500;

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
      const files = await downloadObjects(
        s3,
        lake.bucket,
        parts.map((p) => p.key),
        path.join(work, `v${m.version}`),
        '.parquet',
      );
      // Events stream through files (the lake rows as CSV, then each class's as JSON lines): a
      // day is never held in memory (a 250k-event day was hundreds of MB of strings).
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
        await copyJsonToOcsfParquet(db.connection, t.className, lines.files.get(t.className)!, file);
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

/** Each field of an OCSF source event from the lake's columns (the rows of one event share them). */
const EVENT_FIELDS = {
  eventId: 'event_id',
  eventTime: "strftime(event_time, '%Y-%m-%dT%H:%M:%S.%gZ')",
  serviceName: 'service_name',
  level: 'level',
  action: 'action',
  status: 'status',
  entityType: 'entity_type',
  entityId: 'entity_id',
  entityName: 'entity_name',
  userId: 'user_id',
  userName: 'user_name',
  clientId: 'client_id',
  remoteIp: 'remote_ip',
  transactionId: 'transaction_id',
  source: 'source',
  extra: 'extra',
} satisfies Record<Exclude<keyof OcsfSourceEvent, 'changes'>, string>;

type LakeEventRow = Omit<OcsfSourceEvent, 'changes'> & OcsfSourceEvent['changes'][number];

/**
 * The lake rows of Parquet files folded back into events, in the lake's order (an event where its
 * first row is). DuckDB writes the rows to a CSV file, and the events are folded here from
 * consecutive lines. Not DuckDB's JSON writer: its to_json held ~30 MB more than the CSV writer
 * whatever the day's size. Not DuckDB's result chunks: each is native memory that lasts until
 * the JS object holding it is garbage-collected (+50 MB for a 120k-row day). Nothing is sorted
 * whole: an event's rows are written together, and a sort or a grouping of the day's rows held
 * the day in memory (grouping into lists: +200 MB in the worker for a 20k-event day; sorting:
 * +25 MB).
 */
export async function* lakeEvents(
  db: DuckDBConnection,
  files: string[],
  work: string,
): AsyncGenerator<OcsfSourceEvent> {
  if (files.length === 0) return;
  const lake = parquetRelation(files, { position: true });
  const order = '"filename", file_row_number';
  // Rows of one event apart from each other: only an event the API sent twice with different
  // changes (the merge keeps each change row once, from the first copy that has it). Such a day
  // has its rows ordered by their event's first row, which holds the day's rows in memory.
  const apart = await db.runAndReadAll(`
    SELECT count(*) FROM (
      SELECT event_id FROM (SELECT event_id, lag(event_id) OVER (ORDER BY ${order}) AS previous FROM ${lake})
      WHERE event_id IS DISTINCT FROM previous GROUP BY event_id HAVING count(*) > 1)`);
  const together = Number(apart.getRows()[0][0]) === 0;
  const rows = path.join(work, 'rows.csv');
  const fields = Object.entries(EVENT_FIELDS).map(([name, sql]) => `${sql} AS "${name}"`);
  await db.run(`
    COPY (SELECT ${fields.join(', ')}, property, old_value AS "oldValue", new_value AS "newValue"
          FROM ${lake}
          ${together ? '' : `ORDER BY min((${order})) OVER (PARTITION BY event_id), change_index`})
    TO ${sqlString(rows)} (FORMAT csv, HEADER true)`);
  // DuckDB writes NULL as an empty field and an empty string quoted ("").
  const lines = pipeline(
    createReadStream(rows),
    parse({ columns: true, cast: (value, context) => (value === '' && !context.quoting ? null : value) }),
    // A read or parse error ends the loop below with it.
    () => undefined,
  );
  let current: OcsfSourceEvent | undefined;
  try {
    for await (const row of lines) {
      const { property, oldValue, newValue, ...event } = row as LakeEventRow;
      if (current?.eventId !== event.eventId) {
        if (current) yield current;
        current = { ...event, changes: [] };
      }
      // An event without changes is one row with none of the three.
      if (property !== null || oldValue !== null || newValue !== null)
        current.changes.push({ property, oldValue, newValue });
    }
    if (current) yield current;
  } finally {
    lines.destroy();
    await rm(rows, { force: true });
  }
}

/** Maps the events of Parquet files into JSON-lines files per OCSF class, in the order read, a few hundred events a file. */
async function mapToClassFiles(
  db: DuckDBConnection,
  parts: string[],
  ctx: MapContext,
  prefix: string,
): Promise<{ events: number; counts: Map<OcsfClassName, number>; files: Map<OcsfClassName, string[]> }> {
  const counts = new Map<OcsfClassName, number>();
  const files = new Map<OcsfClassName, string[]>();
  const writers = new Map<OcsfClassName, WriteStream>();
  const writerFor = async (className: OcsfClassName): Promise<WriteStream> => {
    const n = counts.get(className) ?? 0;
    let out = writers.get(className);
    if (out && n % EVENTS_PER_JSON_FILE === 0) {
      await new Promise((resolve) => out!.end(resolve));
      out = undefined;
    }
    if (!out) {
      const list = files.get(className) ?? [];
      const file = `${prefix}-${className}-${String(list.length).padStart(4, '0')}.ndjson`;
      list.push(file);
      files.set(className, list);
      out = createWriteStream(file);
      writers.set(className, out);
    }
    return out;
  };
  let events = 0;
  try {
    for await (const e of lakeEvents(db, parts, path.dirname(prefix))) {
      const mapped = mapEvent(e, ctx);
      const out = await writerFor(mapped.className);
      counts.set(mapped.className, (counts.get(mapped.className) ?? 0) + 1);
      if (!out.write(`${JSON.stringify(mapped.event)}\n`)) await once(out, 'drain');
      events++;
    }
  } finally {
    await Promise.all([...writers.values()].map((w) => new Promise((resolve) => w.end(resolve))));
  }
  return { events, counts, files };
}

/** One class's events (JSON lines) as Parquet with the class's fixed schema, in the order given. */
export async function writeOcsfParquet(
  db: DuckDBConnection,
  className: OcsfClassName,
  lines: string[],
  outPath: string,
): Promise<void> {
  const json = `${outPath}.ndjson`;
  await writeFile(json, `${lines.join('\n')}\n`);
  await copyJsonToOcsfParquet(db, className, [json], outPath);
}

/**
 * JSON-lines files of one class's events as one Parquet file, which removes them. The events keep
 * the files' order (one thread, insertion order kept), so the same lake parts give the same bytes.
 */
async function copyJsonToOcsfParquet(
  db: DuckDBConnection,
  className: OcsfClassName,
  json: string[],
  outPath: string,
): Promise<void> {
  const columns = ocsfColumns(className);
  const spec = columns.map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`).join(', ');
  const select = columns.map(([name]) => `"${name}"`).join(', ');
  await db.run(
    `COPY (SELECT ${select} FROM read_json([${json.map(sqlString).join(', ')}], format = 'newline_delimited', columns = {${spec}}))
     TO ${sqlString(outPath)} (${WIDE_PARQUET_OPTIONS})`,
  );
  await Promise.all(json.map((f) => rm(f, { force: true })));
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
