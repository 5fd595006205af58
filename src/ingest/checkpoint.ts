/**
 * Where the ingest is in the raw/ prefix. Pure (no I/O, no clock): the ingest workflow keeps it
 * in its state and carries it over continue-as-new.
 *
 * Firehose names objects `<prefix>YYYY/MM/DD/HH/<stream>-<n>-YYYY-MM-DD-HH-MM-SS-<uuid>[.gz]` by
 * delivery time, so S3's lexical listing order is roughly time order. Roughly: two objects of
 * the same second sort by a random uuid, and an object can land after a later-named one (a
 * retried delivery, a slow writer). So the checkpoint is not one key but:
 *   - `lastKey`, the greatest key processed, and
 *   - `recent`, a digest of every processed key whose delivery hour is within `graceMinutes` of
 *     lastKey's (digests, not keys, so the state stays a few bytes per object).
 * Each listing starts at the hour folder `graceMinutes` before lastKey's and skips the recent
 * keys: a late key inside the grace window is still picked up, and nothing is processed twice.
 * A key landing later than the grace window with an older name is not seen (raise
 * INGEST_GRACE_MINUTES if a stream does that); the daily reconciliation then reports its events
 * as never delivered, and the sealed table has them anyway. Keys of another layout are taken in
 * key order after lastKey.
 */
export interface IngestCheckpoint {
  lastKey: string | null;
  /** `<delivery hour since epoch>:<digest of the key>` of processed keys inside the grace window. */
  recent: string[];
}

export const EMPTY_CHECKPOINT: IngestCheckpoint = { lastKey: null, recent: [] };

const HOUR_MS = 3_600_000;
const HOUR_PATH = /^(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\//;

/** Delivery hour of a Firehose key (hours since epoch), or undefined when the key has another layout. */
export function rawKeyHour(prefix: string, key: string): number | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const m = HOUR_PATH.exec(key.slice(prefix.length));
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]));
  return Number.isFinite(ms) ? ms / HOUR_MS : undefined;
}

/** 64 bits of two FNV-1a hashes: collisions among a few thousand keys are out of reach. */
export function keyDigest(key: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
    b ^= b >>> 15;
  }
  return a.toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** S3 StartAfter of the next listing: just before the hour folder graceMinutes before lastKey's. */
export function listingStart(cp: IngestCheckpoint, prefix: string, graceMinutes: number): string | undefined {
  if (cp.lastKey === null) return undefined;
  const hour = rawKeyHour(prefix, cp.lastKey);
  if (hour === undefined) return cp.lastKey;
  const iso = new Date(hour * HOUR_MS - graceMinutes * 60_000).toISOString();
  // Keys inside the folder sort after the folder name without its slash.
  return `${prefix}${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}`;
}

/** True when the key was processed already (it is in the grace window's recent set, or before the listing start). */
export function alreadyProcessed(cp: IngestCheckpoint, prefix: string, key: string): boolean {
  const hour = rawKeyHour(prefix, key);
  if (hour === undefined) return cp.lastKey !== null && key <= cp.lastKey;
  return cp.recent.includes(`${hour}:${keyDigest(key)}`);
}

/** The checkpoint after processing `keys`; `recent` keeps only keys inside the grace window. */
export function advanceCheckpoint(
  cp: IngestCheckpoint,
  keys: readonly string[],
  prefix: string,
  graceMinutes: number,
): IngestCheckpoint {
  let lastKey = cp.lastKey;
  for (const k of keys) if (lastKey === null || k > lastKey) lastKey = k;
  const entries = new Set(cp.recent);
  for (const k of keys) {
    const hour = rawKeyHour(prefix, k);
    if (hour !== undefined) entries.add(`${hour}:${keyDigest(k)}`);
  }
  const lastHour = lastKey === null ? undefined : rawKeyHour(prefix, lastKey);
  if (lastHour === undefined) return { lastKey, recent: [...entries] };
  const from = lastHour - Math.ceil(graceMinutes / 60);
  return { lastKey, recent: [...entries].filter((e) => Number(e.slice(0, e.indexOf(':'))) >= from) };
}
