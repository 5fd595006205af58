/**
 * One batch of raw audit records (an API page, a Firehose object's events) -> masked canonical
 * events and their event lines (lake/event-lines.ts): normalize, minimize, person names, mask. DuckDB flattens
 * the lines into lake rows when it writes Parquet. A record that cannot be transformed is reported in
 * `invalid` with its index and the reason, and the rest of the batch goes on: callers quarantine
 * those records (raw, as received), so nothing is dropped silently. Reasons name fields and event
 * ids only, never values, so they are safe to log and to keep in workflow history.
 */
import type { Secret } from '../config/secret';
import { ConfigError, DataDefect, InvalidDataError } from '../errors';
import { eventLine, rowCount } from '../lake/event-lines';
import type { CanonicalEvent, EventSource } from '../model/canonical';
import { phoneCountries } from '../genesys/regions';
import { Masker } from './mask';
import { PersonNamePolicy, PersonNames } from './person-names';
import { Minimizer } from './minimize';
import { normalizeApi } from './normalize-api';
import { normalizeTopic } from './normalize-topic';
import { eventLabel, isPlainObject, shownId } from './read-fields';

export interface InvalidRecord {
  /** Position of the record in the batch. */
  index: number;
  /** The record's id, when it has one that is safe to show (a UUID). */
  eventId?: string;
  /** What is wrong with it: its quarantine record's type. */
  defect: DataDefect;
  reason: string;
}

export interface BatchResult {
  /** The events transformed, masked. */
  events: CanonicalEvent[];
  /** Their event lines, in the same order. */
  lines: string[];
  /** The lake rows they make (one per property change, one for an event without changes). */
  rows: number;
  invalid: InvalidRecord[];
}

export interface TransformContext {
  masker: Masker;
  persons: PersonNames;
  minimizer: Minimizer;
  /** An event whose line is longer than this is invalid (kept aside, not written). */
  maxEventChars: number;
}

/**
 * An event over 1 MiB of text is not an audit event Genesys meant to send (EventBridge caps one
 * at 256 KB): it goes to quarantine for a person to look at rather than into the lake.
 */
export const DEFAULT_MAX_EVENT_CHARS = 1 << 20;

export interface MaskSettings {
  hmacKey?: Secret;
  extraAllowlist: readonly string[];
  /** Unset: the Genesys region's country (genesys/regions.ts, phoneCountries). */
  phoneCountries?: readonly string[];
  /** Unset: pseudonymize. */
  personNames?: PersonNamePolicy;
}

/**
 * Masker, person names and minimizer from config.mask (and the Genesys region, which gives the
 * default phone country); a missing key is a configuration error.
 */
export function transformContext(mask: MaskSettings, region?: string): TransformContext {
  if (mask.hmacKey === undefined)
    throw new ConfigError('MASK_HMAC_KEY: required to mask phone numbers and names before writing the lake');
  const masker = new Masker({ hmacKey: mask.hmacKey, phoneCountries: phoneCountries(mask, region) });
  return {
    masker,
    persons: new PersonNames(mask.personNames ?? 'pseudonymize', (name) => masker.personToken(name)),
    minimizer: new Minimizer(mask.extraAllowlist),
    maxEventChars: DEFAULT_MAX_EVENT_CHARS,
  };
}

const NORMALIZERS: Record<EventSource, (raw: unknown) => CanonicalEvent> = {
  api: normalizeApi,
  stream: normalizeTopic,
};

export function transformBatch(
  records: readonly unknown[],
  source: EventSource,
  context: TransformContext,
): BatchResult {
  const normalize = NORMALIZERS[source];
  const { masker, persons, minimizer, maxEventChars } = context;
  const events: CanonicalEvent[] = [];
  const lines: string[] = [];
  const invalid: InvalidRecord[] = [];
  let rows = 0;
  for (let index = 0; index < records.length; index++) {
    const raw = records[index];
    try {
      const minimized = minimizer.minimize(normalize(raw));
      const event = masker.maskEvent(minimized, persons.apply(minimized));
      const line = eventLine(event);
      if (line.length > maxEventChars) {
        throw new InvalidDataError(
          `${eventLabel(event.eventId)}: ${line.length} characters of text, over the limit of ${maxEventChars}`,
          { defect: 'too_large' },
        );
      }
      events.push(event);
      lines.push(line);
      rows += rowCount(event);
    } catch (err) {
      // Anything else is a bug here, not bad data: fail the batch so it is retried and seen.
      if (!(err instanceof InvalidDataError)) throw err;
      invalid.push(invalidRecord(index, raw, err));
    }
  }
  return { events, lines, rows, invalid };
}

function invalidRecord(index: number, raw: unknown, err: InvalidDataError): InvalidRecord {
  const id = isPlainObject(raw) && typeof raw.id === 'string' ? shownId(raw.id) : undefined;
  const invalid: InvalidRecord = { index, defect: err.defect, reason: err.message };
  return id === undefined ? invalid : { ...invalid, eventId: id };
}
