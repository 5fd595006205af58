/**
 * One batch of raw audit records (an API page, a Firehose object's events) -> masked lake rows:
 * normalize, minimize, mask, flatten. A record that cannot be transformed is reported in
 * `invalid` with its index and the reason, and the rest of the batch goes on: callers quarantine
 * those records (raw, as received), so nothing is dropped silently. Reasons name fields and event
 * ids only, never values, so they are safe to log and to keep in workflow history.
 */
import type { Secret } from '../config/secret';
import { ConfigError, InvalidDataError } from '../errors';
import type { CanonicalEvent, EventSource, LakeRow } from '../model/canonical';
import { flatten } from './flatten';
import { Masker } from './mask';
import { Minimizer } from './minimize';
import { normalizeApi } from './normalize-api';
import { normalizeTopic } from './normalize-topic';
import { eventLabel, isPlainObject, shownId } from './read-fields';

export interface InvalidRecord {
  /** Position of the record in the batch. */
  index: number;
  /** The record's id, when it has one that is safe to show (a UUID). */
  eventId?: string;
  reason: string;
}

export interface BatchResult {
  rows: LakeRow[];
  /** Events that became rows. */
  events: number;
  invalid: InvalidRecord[];
}

export interface TransformContext {
  masker: Masker;
  minimizer: Minimizer;
  /** An event whose rows hold more characters than this is invalid (kept aside, not written). */
  maxEventChars: number;
}

/**
 * An event over 1 MiB of text is not an audit event Genesys meant to send (EventBridge caps one
 * at 256 KB): it goes to quarantine for a person to look at rather than into the lake.
 */
export const DEFAULT_MAX_EVENT_CHARS = 1 << 20;

/** Masker and minimizer from config.mask; a missing key is a configuration error. */
export function transformContext(mask: { hmacKey?: Secret; extraAllowlist: readonly string[] }): TransformContext {
  if (mask.hmacKey === undefined) throw new ConfigError('MASK_HMAC_KEY: required to mask phone numbers before writing the lake');
  return {
    masker: new Masker({ hmacKey: mask.hmacKey }),
    minimizer: new Minimizer(mask.extraAllowlist),
    maxEventChars: DEFAULT_MAX_EVENT_CHARS,
  };
}

const NORMALIZERS: Record<EventSource, (raw: unknown) => CanonicalEvent> = {
  api: normalizeApi,
  stream: normalizeTopic,
};

export function transformBatch(records: readonly unknown[], source: EventSource, context: TransformContext): BatchResult {
  const normalize = NORMALIZERS[source];
  const { masker, minimizer, maxEventChars } = context;
  const rows: LakeRow[] = [];
  const invalid: InvalidRecord[] = [];
  let events = 0;
  for (let index = 0; index < records.length; index++) {
    const raw = records[index];
    const start = rows.length;
    try {
      const event = masker.maskEvent(minimizer.minimize(normalize(raw)));
      flatten(event, rows);
      const size = eventChars(rows, start);
      if (size > maxEventChars) {
        throw new InvalidDataError(`${eventLabel(event.eventId)}: ${size} characters of text, over the limit of ${maxEventChars}`);
      }
      events++;
    } catch (err) {
      // Anything else is a bug here, not bad data: fail the batch so it is retried and seen.
      if (!(err instanceof InvalidDataError)) throw err;
      rows.length = start;
      invalid.push(invalidRecord(index, raw, err));
    }
  }
  return { rows, events, invalid };
}

function invalidRecord(index: number, raw: unknown, err: InvalidDataError): InvalidRecord {
  const id = isPlainObject(raw) && typeof raw.id === 'string' ? shownId(raw.id) : undefined;
  return id === undefined ? { index, reason: err.message } : { index, eventId: id, reason: err.message };
}

/** Text held by one event's rows: its event columns and extra once, each change's values. */
function eventChars(rows: readonly LakeRow[], start: number): number {
  const r = rows[start];
  let size =
    r.event_id.length + len(r.service_name) + len(r.level) + len(r.action) + len(r.status) + len(r.entity_type) +
    len(r.entity_id) + len(r.entity_name) + len(r.user_id) + len(r.user_name) + len(r.client_id) +
    len(r.remote_ip) + len(r.transaction_id) + len(r.extra);
  for (let i = start; i < rows.length; i++) {
    const row = rows[i];
    size += len(row.property) + len(row.old_value) + len(row.new_value);
  }
  return size;
}

function len(text: string | null): number {
  return text === null ? 0 : text.length;
}
