/**
 * Typed reads of raw source fields. A field of the wrong type is an InvalidDataError naming the
 * event and the field, never the value: values may hold PII, and errors end up in logs and
 * workflow history. Null counts as absent, and so does an empty string (Genesys sends
 * `client: {"id": ""}` for "no client").
 */
import { InvalidDataError } from '../errors';
import type { CanonicalPropertyChange } from '../model/canonical';
import { toUtcIso } from './timestamp';

export type RawRecord = Record<string, unknown>;

export function isPlainObject(value: unknown): value is RawRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Audit ids are UUIDs; any other id could be anything, so only a UUID is shown in messages. */
export function shownId(id: string): string | undefined {
  return UUID.test(id) ? id : undefined;
}

export function eventLabel(id: string): string {
  const shown = shownId(id);
  return shown === undefined ? 'audit event (id not a UUID, not shown)' : `audit event ${shown}`;
}

/** Built only on failure: the field readers below run for every event. */
export function invalidField(eventId: string, field: string, expected: string): InvalidDataError {
  return new InvalidDataError(`${eventLabel(eventId)}: field ${field}: expected ${expected}`);
}

/** The record itself and its id, which every other read names in its errors. */
export function recordAndId(raw: unknown): { record: RawRecord; id: string } {
  if (!isPlainObject(raw)) throw new InvalidDataError('audit record: expected a JSON object');
  const id = raw.id;
  if (typeof id !== 'string' || id === '') {
    throw new InvalidDataError(`audit record without an id: field id: expected a non-empty string`);
  }
  return { record: raw, id };
}

export function optionalString(value: unknown, field: string, eventId: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') return value;
  throw invalidField(eventId, field, 'a string');
}

/** The event time as UTC ISO with milliseconds; a missing or invalid one is an error. */
export function eventTimeOf(value: unknown, field: string, eventId: string): string {
  if (value === undefined || value === null || value === '')
    throw invalidField(eventId, field, 'a date-time, found none');
  const utc = typeof value === 'string' ? toUtcIso(value) : undefined;
  if (utc === undefined) throw invalidField(eventId, field, 'an ISO-8601 date-time with a time zone');
  return utc;
}

export function optionalObject(value: unknown, field: string, eventId: string): RawRecord | undefined {
  if (value === undefined || value === null) return undefined;
  if (isPlainObject(value)) return value;
  throw invalidField(eventId, field, 'an object');
}

export function stringList(value: unknown, field: string, eventId: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidField(eventId, field, 'an array of strings');
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') throw invalidField(eventId, `${field}[${i}]`, 'a string');
  }
  return value as string[];
}

/** remoteIp[] joined with ", ", or null when there is none. */
export function joinedIps(value: unknown, field: string, eventId: string): string | null {
  const ips = stringList(value, field, eventId);
  return ips.length === 0 ? null : ips.join(', ');
}

/**
 * The property changes, plus whatever their items carried besides property/oldValues/newValues
 * (an array aligned with the changes, `{}` where there was nothing) so unknown subfields survive.
 */
export function propertyChanges(
  value: unknown,
  eventId: string,
): { changes: CanonicalPropertyChange[]; residue: RawRecord[] | undefined } {
  if (value === undefined || value === null) return { changes: [], residue: undefined };
  if (!Array.isArray(value)) throw invalidField(eventId, 'propertyChanges', 'an array');
  const changes: CanonicalPropertyChange[] = new Array(value.length);
  let residue: RawRecord[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const field = `propertyChanges[${i}]`;
    if (!isPlainObject(item)) throw invalidField(eventId, field, 'an object');
    changes[i] = {
      property: optionalString(item.property, `${field}.property`, eventId),
      oldValues: stringList(item.oldValues, `${field}.oldValues`, eventId),
      newValues: stringList(item.newValues, `${field}.newValues`, eventId),
    };
    for (const key in item) {
      if (key === 'property' || key === 'oldValues' || key === 'newValues') continue;
      residue ??= Array.from({ length: value.length }, () => ({}));
      setField(residue[i], key, item[key]);
    }
  }
  return { changes, residue };
}

/** The subfields of `object` other than `taken`, or undefined when nothing is left. */
export function rest(object: RawRecord | undefined, taken: readonly string[]): RawRecord | undefined {
  if (object === undefined) return undefined;
  let left: RawRecord | undefined;
  for (const key in object) {
    if (taken.includes(key)) continue;
    setField((left ??= {}), key, object[key]);
  }
  return left;
}

/** `object[key] = value`, also for a key named "__proto__" (plain assignment would drop it). */
export function setField(object: RawRecord, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
