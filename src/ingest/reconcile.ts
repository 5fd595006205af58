/**
 * The daily reconciliation of the stream with the API, computed when a day is sealed and kept in
 * its manifest: which audit ids the stream delivered for the day (from the ingest's per-object id
 * records) against the ids the API has (the sealed day). The API is authoritative: an event the
 * stream never delivered is in the sealed table anyway; this only reports.
 */
import type { Lake } from '../s3/lake';
import { listKeys } from '../s3/list-objects';
import { RehydrationRequest } from './envelope';
import { rehydrationsPrefix, streamIdsPrefix } from './ingest-keys';
import { readJson } from './locked-json';
import type { RehydrationRecord } from './rehydrate-event';

export const RECONCILIATION_SCHEMA = 'gcaudit.reconciliation/v1';
/** Ids listed in the manifest for a person to follow up; the counts are always complete. */
const MAX_LISTED_IDS = 1_000;

export interface Reconciliation {
  schema: typeof RECONCILIATION_SCHEMA;
  /** Distinct audit ids of the day in the API (the sealed day, every version). */
  apiEvents: number;
  /** Distinct audit ids of the day the stream carried, complete or not. */
  streamEvents: number;
  /** API ids the stream delivered (complete, or needing rehydration). */
  delivered: number;
  /** API ids the stream never delivered (complete in the lake through the sealed table). */
  neverDelivered: number;
  /** Delivered marked truncated or missing fields the topic always carries. */
  truncated: number;
  /** Delivered with an eventBody that did not parse. */
  unparsable: number;
  /** Delivered with a body the transform refused. */
  invalid: number;
  /** Of those needing rehydration: fetched from the API, unresolved (a finding), still being retried. */
  rehydrated: number;
  unresolved: number;
  pendingRehydration: number;
  /** Stream ids the API does not have for the day: should be 0. */
  streamOnly: number;
  /** Raw objects that delivered events of the day. */
  rawObjects: number;
  neverDeliveredIds: string[];
  streamOnlyIds: string[];
}

interface StreamIds {
  complete: string[];
  rehydrate: Array<{ eventId: string; reason: RehydrationRequest['reason'] }>;
}

/** The day's reconciliation, or null when the stream delivered nothing for it (no stream configured). */
export async function reconcileDay(
  lake: Lake,
  org: string,
  day: string,
  /** The day's API ids, or how to read them (only when the stream delivered anything for the day). */
  apiIds: Iterable<string> | (() => Promise<Iterable<string>>),
): Promise<Reconciliation | null> {
  const { s3, bucket } = lake;
  const objects = await listKeys(s3, bucket, streamIdsPrefix(org, day));
  if (objects.length === 0) return null;
  const seen = new Set<string>();
  // A copy delivered complete makes another, truncated copy of the same event moot.
  const completeSomewhere = new Set<string>();
  const needs = new Map<string, RehydrationRequest['reason']>();
  for (const key of objects) {
    const ids = await readJson<StreamIds>(lake, key);
    if (!ids) continue;
    for (const id of ids.complete) {
      seen.add(id);
      completeSomewhere.add(id);
    }
    for (const r of ids.rehydrate) {
      seen.add(r.eventId);
      if (!needs.has(r.eventId)) needs.set(r.eventId, r.reason);
    }
  }
  const ends = new Map<string, RehydrationRecord['status']>();
  for (const key of await listKeys(s3, bucket, rehydrationsPrefix(org, day))) {
    const record = await readJson<RehydrationRecord>(lake, key);
    if (record) ends.set(record.eventId, record.status);
  }

  const api = new Set(typeof apiIds === 'function' ? await apiIds() : apiIds);
  const neverDelivered = [...api].filter((id) => !seen.has(id)).sort();
  const streamOnly = [...seen].filter((id) => !api.has(id)).sort();
  const r: Reconciliation = {
    schema: RECONCILIATION_SCHEMA,
    apiEvents: api.size,
    streamEvents: seen.size,
    delivered: seen.size - streamOnly.length,
    neverDelivered: neverDelivered.length,
    truncated: 0,
    unparsable: 0,
    invalid: 0,
    rehydrated: 0,
    unresolved: 0,
    pendingRehydration: 0,
    streamOnly: streamOnly.length,
    rawObjects: objects.length,
    neverDeliveredIds: neverDelivered.slice(0, MAX_LISTED_IDS),
    streamOnlyIds: streamOnly.slice(0, MAX_LISTED_IDS),
  };
  for (const [id, reason] of needs) {
    if (completeSomewhere.has(id)) continue;
    if (reason === 'truncated' || reason === 'missing-fields') r.truncated++;
    else if (reason === 'unparsable') r.unparsable++;
    else r.invalid++;
    const end = ends.get(id);
    if (end === 'rehydrated') r.rehydrated++;
    else if (end === 'unresolved') r.unresolved++;
    else r.pendingRehydration++;
  }
  return r;
}
