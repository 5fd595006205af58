/**
 * Lake keys of the stream ingest. Every name derives from the raw object's key and ETag (or the
 * event id), so processing the same object again writes the same keys: a no-op on the
 * create-only, locked lake.
 */
import { createHash } from 'node:crypto';
import { partitionPrefix, quarantineKey } from '../lake/keys';

/** Names one version of one raw object: its key and ETag. */
export function rawObjectHash(rawKey: string, etag: string): string {
  return createHash('sha256').update(`${rawKey}\n${etag}`).digest('hex').slice(0, 32);
}

/** The stream's rows of one raw object for one day (an object can hold events of two days). */
export const liveStreamPartKey = (org: string, day: string, hash: string) =>
  `${partitionPrefix(org, 'audit_events_live', day)}${hash}.parquet`;

/** The rehydrated full record of one event. */
export const liveRehydratedPartKey = (org: string, day: string, eventId: string) =>
  `${partitionPrefix(org, 'audit_events_live', day)}rehydrated-${eventId}.parquet`;

/** What happened to one raw object (by its delivery day, from the key, or 'unknown'). */
export const ingestOutcomeKey = (org: string, rawDay: string, hash: string) =>
  `${org}/ingest/outcomes/${rawDay}/${hash}.json`;
export const ingestOutcomesPrefix = (org: string) => `${org}/ingest/outcomes/`;

/** Audit ids one raw object delivered for one event day: what reconciliation compares with the API. */
export const streamIdsPrefix = (org: string, day: string) => `${org}/ingest/stream-ids/${day}/`;
export const streamIdsKey = (org: string, day: string, hash: string) => `${streamIdsPrefix(org, day)}${hash}.json`;

/** The end of one event's rehydration: rehydrated or unresolved. */
export const rehydrationsPrefix = (org: string, day: string) => `${org}/ingest/rehydrations/${day}/`;
export const rehydrationKey = (org: string, day: string, eventId: string) =>
  `${rehydrationsPrefix(org, day)}${eventId}.json`;

/** Rehydration requests of one raw object when too many to return to the workflow. */
export const rehydrationRequestsKey = (org: string, hash: string) => `${org}/ingest/rehydration-requests/${hash}.json`;

/** A raw object (or some of its lines) that could not be ingested, masked. */
export const streamQuarantineKey = (org: string, hash: string) => quarantineKey(org, 'stream', hash);
export const streamEventQuarantineKey = (org: string, eventId: string) =>
  quarantineKey(org, 'stream-rehydrate', eventId);

/** Delivery day of a Firehose key (raw/YYYY/MM/DD/HH/...), or 'unknown'. */
export function rawKeyDay(prefix: string, key: string): string {
  const m = /^(\d{4})\/(\d{2})\/(\d{2})\//.exec(key.startsWith(prefix) ? key.slice(prefix.length) : '');
  return m ? `${m[1]}-${m[2]}-${m[3]}` : 'unknown';
}
