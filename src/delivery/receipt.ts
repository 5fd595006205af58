import type { Config } from '../config/config';
import { InvalidDataError } from '../errors';
import type { Lake } from '../s3/lake';
import { appendReceipt, PartRef, readPartLedger, readReceipts, Receipt } from './ledger';

export interface ReceiptInput {
  org: string;
  sink: string;
  day: string;
  manifest: Receipt['manifest'];
  /** The parts this run delivered, each with the number of batches it has. */
  parts: Array<{ part: PartRef; batches: number }>;
}

/**
 * Closes a day's delivery: a receipt listing every part delivered (by key, version and SHA-256,
 * and the manifest that lists it by hash), its batches, resends and bytes, and each of its
 * ledger records by hash; chained to the day's previous receipt. Written only when the ledger
 * holds every batch of every part as acknowledged. Repeating it for the same parts writes nothing.
 */
export async function writeReceipt(
  deps: { lake: Lake; splunk: Config['splunk'] },
  input: ReceiptInput,
): Promise<{ key: string; sha256: string; written: boolean; receipt: Receipt }> {
  const { lake, splunk: cfg } = deps;
  const existing = await readReceipts(lake, input.org, input.sink, input.day);
  const wanted = new Set(input.parts.map((p) => `${p.part.key}@${p.part.versionId}`));
  const last = existing.at(-1);
  if (
    last &&
    input.parts.length > 0 &&
    last.receipt.parts.length === wanted.size &&
    last.receipt.parts.every((p) => wanted.has(`${p.key}@${p.versionId}`))
  ) {
    return { key: last.key, sha256: last.sha256, written: false, receipt: last.receipt };
  }

  const parts: Receipt['parts'] = [];
  for (const { part, batches } of input.parts) {
    const ledger = await readPartLedger(lake, input.org, input.sink, input.day, part.key);
    for (let i = 0; i < batches; i++) {
      if (!ledger.acked.has(i))
        throw new InvalidDataError(
          `${part.key}: batch ${i} of ${batches} is not acknowledged in the ledger; no receipt written`,
        );
    }
    const acked = [...ledger.acked.values()];
    const ackModes = new Set(
      ledger.records.filter((r) => r.record.kind === 'acked').map((r) => (r.record as { ack: string }).ack),
    );
    parts.push({
      kind: part.kind,
      key: part.key,
      versionId: part.versionId,
      sha256: part.sha256,
      manifestSha256: part.manifestSha256,
      events: acked.reduce((n, b) => n + b.events, 0),
      batches,
      resends: acked.reduce((n, b) => n + Math.max(0, b.sends - 1), 0),
      gzipBytes: acked.reduce((n, b) => n + b.gzipBytes, 0),
      ack: ackModes.has('indexer') ? 'indexer' : ackModes.has('http-200') ? 'http-200' : 'none',
      records: ledger.records.map(({ key, sha256 }) => ({ key, sha256 })),
    });
  }
  const sum = (f: (p: Receipt['parts'][number]) => number, kind?: PartRef['kind']) =>
    parts.filter((p) => !kind || p.kind === kind).reduce((n, p) => n + f(p), 0);
  const written = await appendReceipt(lake, {
    schema: 'gcaudit.delivery-receipt/v1',
    org: input.org,
    sink: input.sink,
    day: input.day,
    manifest: input.manifest,
    target: {
      url: cfg ? redactUrl(cfg.url) : 'unknown',
      index: cfg?.index ?? null,
      sourcetypes: { events: cfg?.sourcetypeEvents ?? '', findings: cfg?.sourcetypeFindings ?? '' },
    },
    parts,
    totals: {
      events: sum((p) => p.events, 'events'),
      findings: sum((p) => p.events, 'findings'),
      batches: sum((p) => p.batches),
      resends: sum((p) => p.resends),
      gzipBytes: sum((p) => p.gzipBytes),
    },
    completedAt: new Date().toISOString(),
  });
  return { ...written, written: true };
}

/** Scheme, host and port only: a URL may carry credentials. */
function redactUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
}
