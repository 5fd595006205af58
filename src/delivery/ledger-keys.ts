/**
 * Where the delivery ledger lives: beside the lake's tables and outside manifests/ (which
 * verify keeps to chain entries, day pointers and keys), one folder per org, sink and day.
 *
 *   <org>/deliveries/<sink>/day=<YYYY-MM-DD>/log/<part>/sent-<first batch>-<stamp>.json
 *   <org>/deliveries/<sink>/day=<YYYY-MM-DD>/log/<part>/acked-<first batch>-<stamp>.json
 *   <org>/deliveries/<sink>/day=<YYYY-MM-DD>/log/<part>/refused-<first batch>-<stamp>.json
 *   <org>/deliveries/<sink>/day=<YYYY-MM-DD>/receipt-<seq>.json
 */
export const deliveriesRoot = (org: string, sink: string) => `${org}/deliveries/${sink}/`;
export const deliveryDayPrefix = (org: string, sink: string, day: string) => `${deliveriesRoot(org, sink)}day=${day}/`;
export const partLogPrefix = (org: string, sink: string, day: string, partKey: string) =>
  `${deliveryDayPrefix(org, sink, day)}log/${partTag(partKey)}/`;
export const receiptKey = (org: string, sink: string, day: string, seq: number) =>
  `${deliveryDayPrefix(org, sink, day)}receipt-${String(seq).padStart(4, '0')}.json`;

/** A part's folder name: its table and file name (unique within a day's partition). */
export function partTag(partKey: string): string {
  const m = /\/(audit_events|audit_findings)\/year=\d{4}\/month=\d{2}\/day=\d{2}\/([^/]+)\.parquet$/.exec(partKey);
  if (!m) throw new Error(`not a lake part key: ${partKey}`);
  return `${m[1] === 'audit_events' ? 'events' : 'findings'}.${m[2]}`;
}

/** A record's name: the kind, its first batch, then a time stamp and a random tail (create-only, never reused). */
export function recordName(kind: 'sent' | 'acked' | 'refused', firstBatch: number, at: Date, random: string): string {
  return `${kind}-${String(firstBatch).padStart(6, '0')}-${at.toISOString().replace(/[-:.]/g, '')}-${random}.json`;
}
