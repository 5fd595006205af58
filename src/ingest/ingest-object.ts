/**
 * Ingests one raw Firehose object: download, decode (gzip or plain), split lines, classify each
 * envelope, transform the complete events ('stream' source) and write them as one locked live
 * part per event day; record which audit ids it delivered per day, what needs rehydration, what
 * was quarantined (masked), and finally the object's outcome. Every key derives from the raw key
 * and ETag, so a repeated run writes nothing new; the outcome record, written last, makes a
 * repeated run return at once.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { isNotFound } from '../s3/not-found';
import type { Lake } from '../s3/lake';
import { InvalidDataError } from '../errors';
import { DuckDbLimits, openScratchDuckDb } from '../lake/duckdb';
import { EventLineFile } from '../lake/event-line-file';
import { TransformContext, transformBatch } from '../transform/pipeline';
import { QuarantineCause, QuarantinedRecord, quarantinedRecord } from '../transform/quarantine';
import { decodeRawObject, lines } from './decode';
import { classifyLine, RehydrationRequest } from './envelope';
import {
  ingestOutcomeKey,
  liveStreamPartKey,
  rawKeyDay,
  rawObjectHash,
  rehydrationRequestsKey,
  streamIdsKey,
  streamQuarantineKey,
} from './ingest-keys';
import { writeLivePart } from './live-part';
import { putLockedJson, readJson } from './locked-json';

export interface IngestObjectInput {
  org: string;
  rawPrefix: string;
  key: string;
}

export interface IngestOutcome {
  rawKey: string;
  etag: string;
  /** Names this version of the object in every key derived from it. */
  hash: string;
  status: 'ingested' | 'partial' | 'quarantined';
  /** Why the object, or some of its lines, went to quarantine (field names only). */
  reasons: string[];
  bytes: number;
  lines: number;
  /** Complete events written as rows. */
  events: number;
  rows: number;
  /** Envelopes of an event this object already carried (stored once). */
  duplicates: number;
  /** Events whose full record is fetched by a rehydrate workflow. */
  rehydrations: number;
  quarantinedLines: number;
  parts: Array<{ key: string; day: string; rows: number; events: number }>;
  quarantineKey: string | null;
  /** Up to INLINE_REQUESTS requests; more are in requestsKey. */
  requests: RehydrationRequest[];
  requestsKey: string | null;
}

export interface IngestDeps {
  lake: Lake;
  duckdb: DuckDbLimits;
  transform: TransformContext;
}

/** Requests carried in the outcome (workflow history); more go to S3 and are read in pages. */
export const INLINE_REQUESTS = 25;
const BATCH = 500;
/** Masked quarantined lines kept in the quarantine record; the raw object itself stays in raw/. */
const MAX_QUARANTINE_SAMPLES = 100;

/** An outcome with nothing counted yet. */
export function emptyOutcome(o: Pick<IngestOutcome, 'rawKey' | 'etag' | 'hash' | 'status' | 'bytes'>): IngestOutcome {
  return {
    ...o,
    reasons: [],
    lines: 0,
    events: 0,
    rows: 0,
    duplicates: 0,
    rehydrations: 0,
    quarantinedLines: 0,
    parts: [],
    quarantineKey: null,
    requests: [],
    requestsKey: null,
  };
}

export async function ingestRawObject(
  deps: IngestDeps,
  input: IngestObjectInput,
  heartbeat: () => void = () => undefined,
): Promise<IngestOutcome> {
  const { lake, transform } = deps;
  const res = await getObject(lake, input.key);
  const etag = (res.etag ?? '').replace(/"/g, '');
  const hash = rawObjectHash(input.key, etag);
  const outcomeKey = ingestOutcomeKey(input.org, rawKeyDay(input.rawPrefix, input.key), hash);
  const done = await readJson<IngestOutcome>(lake, outcomeKey);
  if (done) return done;

  const outcome = emptyOutcome({ rawKey: input.key, etag, hash, status: 'ingested', bytes: res.body?.length ?? 0 });
  const quarantined: Array<{ line: number } & QuarantinedRecord> = [];
  const reasons = new Map<string, number>();
  const quarantine = (line: number, cause: QuarantineCause, record: unknown) => {
    outcome.quarantinedLines++;
    reasons.set(cause.reason, (reasons.get(cause.reason) ?? 0) + 1);
    if (quarantined.length < MAX_QUARANTINE_SAMPLES)
      quarantined.push({ line, ...quarantinedRecord(transform, cause, record) });
  };

  let content: Buffer | undefined;
  if (res.body === undefined) {
    quarantine(0, { type: 'missing', reason: 'raw object vanished before it was read' }, null);
  } else {
    try {
      content = decodeRawObject(res.body);
    } catch (err) {
      if (!(err instanceof InvalidDataError)) throw err;
      quarantine(0, { type: err.defect, reason: err.message }, null);
    }
  }

  const db = await openScratchDuckDb('ingest', deps.duckdb);
  const work = db.dir;
  try {
    const days = new Map<
      string,
      {
        file: EventLineFile;
        complete: Set<string>;
        rehydrate: Map<string, string>;
        pending: Array<{ line: number; body: unknown; request: RehydrationRequest }>;
      }
    >();
    const dayOf = (day: string) => {
      let d = days.get(day);
      if (!d) {
        d = {
          file: new EventLineFile(path.join(work, `${day}.ndjson`)),
          complete: new Set(),
          rehydrate: new Map(),
          pending: [],
        };
        days.set(day, d);
      }
      return d;
    };
    const requests = new Map<string, RehydrationRequest>();
    const requestRehydration = (r: RehydrationRequest) => {
      dayOf(r.eventTime.slice(0, 10)).rehydrate.set(r.eventId, r.reason);
      if (!requests.has(r.eventId)) requests.set(r.eventId, r);
    };
    const seen = new Set<string>();
    const flush = async (d: ReturnType<typeof dayOf>) => {
      const batch = d.pending;
      d.pending = [];
      const result = transformBatch(
        batch.map((b) => b.body),
        'stream',
        transform,
      );
      await d.file.append(result.lines);
      outcome.events += result.events.length;
      const bad = new Set(result.invalid.map((i) => i.index));
      batch.forEach((b, i) => {
        if (!bad.has(i)) d.complete.add((b.body as { id: string }).id);
      });
      for (const inv of result.invalid) {
        const { line, body, request } = batch[inv.index];
        quarantine(line, { type: inv.defect, reason: `eventBody: ${inv.reason}`, eventId: inv.eventId }, body);
        // The API's record of the same audit may well be sound: fetch it.
        if (inv.eventId !== undefined) requestRehydration({ ...request, eventId: inv.eventId, detail: inv.reason });
      }
      heartbeat();
    };

    let n = 0;
    for (const line of content ? lines(content) : []) {
      n++;
      const v = classifyLine(line);
      if (v.kind === 'quarantine') {
        quarantine(n, v, v.record);
      } else if (v.kind === 'rehydrate') {
        requestRehydration(v.request);
      } else if (seen.has(v.eventId)) {
        outcome.duplicates++;
      } else {
        seen.add(v.eventId);
        const d = dayOf(v.eventTime.slice(0, 10));
        d.pending.push({
          line: n,
          body: v.body,
          request: {
            eventId: v.eventId,
            eventTime: v.eventTime,
            eventTimeKnown: true,
            entityType: v.entityType,
            entityId: v.entityId,
            reason: 'invalid',
          },
        });
        if (d.pending.length >= BATCH) await flush(d);
      }
    }
    outcome.lines = n;

    for (const [day, d] of [...days].sort(([a], [b]) => a.localeCompare(b))) {
      if (d.pending.length > 0) await flush(d);
      await d.file.close();
      if (d.file.lines > 0) {
        const part = await writeLivePart(lake, db.connection, {
          lineFiles: [d.file.path],
          key: liveStreamPartKey(input.org, day, hash),
          workDir: work,
        });
        outcome.rows += part.rows;
        outcome.parts.push({ key: part.key, day, rows: part.rows, events: part.events });
      }
      const complete = [...d.complete].filter((id) => !d.rehydrate.has(id)).sort();
      const rehydrate = [...d.rehydrate]
        .map(([eventId, reason]) => ({ eventId, reason }))
        .sort((a, b) => a.eventId.localeCompare(b.eventId));
      await putLockedJson(lake, streamIdsKey(input.org, day, hash), {
        rawKey: input.key,
        etag,
        day,
        complete,
        rehydrate,
      });
      heartbeat();
    }

    const all = [...requests.values()].sort((a, b) => a.eventId.localeCompare(b.eventId));
    outcome.rehydrations = all.length;
    if (all.length > INLINE_REQUESTS) {
      outcome.requestsKey = rehydrationRequestsKey(input.org, hash);
      await putLockedJson(lake, outcome.requestsKey, all);
    } else {
      outcome.requests = all;
    }

    outcome.reasons = [...reasons]
      .map(([reason, count]) => (count > 1 ? `${reason} (${count} lines)` : reason))
      .slice(0, 20);
    if (outcome.quarantinedLines > 0) {
      const validLines = n - outcome.quarantinedLines;
      outcome.status = content === undefined || validLines <= 0 ? 'quarantined' : 'partial';
      outcome.quarantineKey = streamQuarantineKey(input.org, hash);
      await putLockedJson(lake, outcome.quarantineKey, {
        rawKey: input.key,
        etag,
        sha256: res.body ? createHash('sha256').update(res.body).digest('hex') : null,
        bytes: outcome.bytes,
        status: outcome.status,
        reasons: outcome.reasons,
        quarantinedLines: outcome.quarantinedLines,
        // Masked; the raw object itself stays in raw/ for whoever has access to it.
        samples: quarantined,
      });
    }
    await putLockedJson(lake, outcomeKey, outcome);
    return outcome;
  } finally {
    await db.close();
  }
}

async function getObject({ s3, bucket }: Lake, key: string): Promise<{ body?: Buffer; etag?: string }> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { body: Buffer.from(await res.Body!.transformToByteArray()), etag: res.ETag };
  } catch (err) {
    if (isNotFound(err)) return {};
    throw err;
  }
}
