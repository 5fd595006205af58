import { randomBytes } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ImmutabilityError } from '../errors';
import { canonicalJson } from '../lake/canonical-json';
import type { Lake } from '../s3/lake';
import { listKeys } from '../s3/list-objects';
import { putLockedObject, sha256Hex } from '../s3/locked-object';
import { deliveryDayPrefix, partLogPrefix, receiptKey, recordName } from './ledger-keys';

export const LEDGER_RECORD_SCHEMA = 'gcaudit.delivery-record/v1' as const;
export const RECEIPT_SCHEMA = 'gcaudit.delivery-receipt/v1';

/** A lake object a delivery reads: an event part listed by a manifest, or a findings object. */
export interface PartRef {
  kind: 'events' | 'findings';
  key: string;
  versionId: string;
  sha256: string;
  /** The chain entry (manifest) that lists the part, by its SHA-256; for findings, the day's latest. */
  manifestKey: string;
  manifestSha256: string;
  manifestVersion: number;
  /** Events the manifest counts (events parts). */
  events: number | null;
}

export interface BatchingSpec {
  format: string;
  maxEvents: number;
  maxBytes: number;
}

export interface BatchEntry {
  index: number;
  from: number;
  to: number;
  /** SHA-256 of the uncompressed body: the same part and batching give the same hash. */
  sha256: string;
}

export interface SentRecord {
  schema: typeof LEDGER_RECORD_SCHEMA;
  kind: 'sent';
  org: string;
  sink: string;
  day: string;
  part: Pick<PartRef, 'key' | 'versionId' | 'sha256' | 'manifestSha256'>;
  batching: BatchingSpec;
  batches: BatchEntry[];
  sentAt: string;
}

export interface AckedRecord extends Omit<SentRecord, 'kind' | 'batches' | 'sentAt'> {
  kind: 'acked';
  /** indexer: /services/collector/ack said indexed; http-200: the token has no indexer acknowledgment. */
  ack: 'indexer' | 'http-200';
  batches: Array<BatchEntry & { events: number; gzipBytes: number; sends: number; ackId: number | null }>;
  firstSentAt: string;
  ackedAt: string;
}

/** Batches of a sent record the collector answered with a refusal (503, 429, 5xx): they did not arrive, so sending them again is no resend. */
export interface RefusedRecord extends Omit<SentRecord, 'kind' | 'sentAt'> {
  kind: 'refused';
  status: number;
  refusedAt: string;
}

export type LedgerRecord = SentRecord | AckedRecord | RefusedRecord;

export interface Receipt {
  schema: typeof RECEIPT_SCHEMA;
  org: string;
  sink: string;
  day: string;
  sequence: number;
  /** The day's latest manifest when this receipt was written. */
  manifest: { key: string; sha256: string; version: number };
  /** The receipt before it for the same day, by hash (a day's receipts form a chain). */
  previous: { key: string; sha256: string } | null;
  target: { url: string; index: string | null; sourcetypes: { events: string; findings: string } };
  parts: Array<{
    kind: PartRef['kind'];
    key: string;
    versionId: string;
    sha256: string;
    manifestSha256: string;
    events: number;
    batches: number;
    resends: number;
    gzipBytes: number;
    ack: AckedRecord['ack'] | 'none';
    /** Every ledger record of the part, by hash. */
    records: Array<{ key: string; sha256: string }>;
  }>;
  totals: { events: number; findings: number; batches: number; resends: number; gzipBytes: number };
  completedAt: string;
}

/** Writes one ledger record, create-only and locked like every lake object. */
export async function writeRecord(
  lake: Lake,
  day: string,
  record: LedgerRecord,
  now = new Date(),
): Promise<{ key: string; sha256: string }> {
  const first = record.batches[0]?.index ?? 0;
  const key = `${partLogPrefix(record.org, record.sink, day, record.part.key)}${recordName(record.kind, first, now, randomBytes(3).toString('hex'))}`;
  const put = await putLockedObject(lake, {
    key,
    body: Buffer.from(canonicalJson(record)),
    contentType: 'application/json',
    now,
  });
  return { key, sha256: put.sha256 };
}

async function getBytes(lake: Lake, key: string): Promise<Buffer> {
  const res = await lake.s3.send(new GetObjectCommand({ Bucket: lake.bucket, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

export interface PartLedger {
  /** Acknowledged batches by index (the latest acked entry of each). */
  acked: Map<number, AckedRecord['batches'][number]>;
  /** Batches sent before and never acknowledged: sending them again is a resend. */
  sentUnacked: Map<number, number>;
  /** The batching the part's delivery began with (kept for every later run of the part). */
  batching: BatchingSpec | null;
  records: Array<{ key: string; sha256: string; record: LedgerRecord }>;
}

/** What the ledger says about one part: which batches are acknowledged, which were sent only. */
export async function readPartLedger(
  lake: Lake,
  org: string,
  sink: string,
  day: string,
  partKey: string,
): Promise<PartLedger> {
  const keys = await listKeys(lake.s3, lake.bucket, partLogPrefix(org, sink, day, partKey));
  const records: PartLedger['records'] = [];
  for (const key of keys) {
    const bytes = await getBytes(lake, key);
    records.push({ key, sha256: sha256Hex(bytes), record: JSON.parse(bytes.toString('utf8')) as LedgerRecord });
  }
  const acked = new Map<number, AckedRecord['batches'][number]>();
  const sends = new Map<number, number>();
  let batching: BatchingSpec | null = null;
  // Oldest first (the stamp in the name sorts by time within a kind); the batching of the first record wins.
  const byTime = [...records].sort((a, b) => stamp(a.record).localeCompare(stamp(b.record)));
  for (const { record } of byTime) {
    batching ??= record.batching;
    if (record.kind === 'acked') for (const b of record.batches) acked.set(b.index, b);
    else if (record.kind === 'refused')
      for (const b of record.batches) sends.set(b.index, Math.max(0, (sends.get(b.index) ?? 0) - 1));
    else for (const b of record.batches) sends.set(b.index, (sends.get(b.index) ?? 0) + 1);
  }
  const sentUnacked = new Map([...sends].filter(([i, n]) => n > 0 && !acked.has(i)));
  return { acked, sentUnacked, batching, records };
}

const stamp = (r: LedgerRecord) => (r.kind === 'sent' ? r.sentAt : r.kind === 'refused' ? r.refusedAt : r.ackedAt);

/** The day's receipts, oldest first, each with its hash. */
export async function readReceipts(
  lake: Lake,
  org: string,
  sink: string,
  day: string,
): Promise<Array<{ key: string; sha256: string; receipt: Receipt }>> {
  const keys = (await listKeys(lake.s3, lake.bucket, deliveryDayPrefix(org, sink, day))).filter((k) =>
    /\/receipt-\d{4}\.json$/.test(k),
  );
  const out: Array<{ key: string; sha256: string; receipt: Receipt }> = [];
  for (const key of keys) {
    const bytes = await getBytes(lake, key);
    out.push({ key, sha256: sha256Hex(bytes), receipt: JSON.parse(bytes.toString('utf8')) as Receipt });
  }
  return out;
}

/**
 * Appends a receipt to the day's receipts: the next sequence number, create-only (two writers
 * cannot both take a number), chained to the previous receipt by its hash.
 */
export async function appendReceipt(
  lake: Lake,
  body: Omit<Receipt, 'sequence' | 'previous'>,
): Promise<{ key: string; sha256: string; receipt: Receipt }> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const existing = await readReceipts(lake, body.org, body.sink, body.day);
    const last = existing.at(-1);
    const receipt: Receipt = {
      ...body,
      sequence: (last?.receipt.sequence ?? 0) + 1,
      previous: last ? { key: last.key, sha256: last.sha256 } : null,
    };
    const key = receiptKey(body.org, body.sink, body.day, receipt.sequence);
    try {
      const put = await putLockedObject(lake, {
        key,
        body: Buffer.from(canonicalJson(receipt)),
        contentType: 'application/json',
      });
      return { key, sha256: put.sha256, receipt };
    } catch (err) {
      if (!(err instanceof ImmutabilityError)) throw err;
    }
  }
  throw new ImmutabilityError(`could not append a delivery receipt for ${body.day}: too many concurrent writers`);
}
