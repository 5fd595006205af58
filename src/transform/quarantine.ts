/**
 * The one policy for what a quarantine record holds, on every path that quarantines (API pages in
 * activities/collect.ts; stream lines, raw objects and rehydrated records in src/ingest/): the
 * record masked like the lake (names of people where the source shape puts them, emails, phone
 * numbers), nesting cut at a fixed depth, a very long text cut, and the cause as a stable type
 * plus a reason that names fields, never values.
 */
import type { DataDefect } from '../errors';
import type { Masker } from './mask';
import type { PersonNames } from './person-names';
import { RawRecord, setField } from './read-fields';

/** A quarantined record keeps at most this much text: enough for a person to see what broke. */
export const QUARANTINE_MAX_TEXT = 64 * 1024;
/** Deeper values are replaced by CUT_DEEPER: well inside the masker's own depth limit, so masking never fails. */
export const QUARANTINE_MAX_DEPTH = 32;
export const CUT_DEEPER = `[nested deeper than ${QUARANTINE_MAX_DEPTH} levels: cut]`;

export interface QuarantinedRecord {
  type: DataDefect;
  reason: string;
  /** The record's audit id, when it has one that is safe to show (a UUID). */
  eventId?: string;
  /** Masked; a cut text is `{ text, cutAt, length }`. */
  record: unknown;
}

export interface QuarantineCause {
  type: DataDefect;
  reason: string;
  eventId?: string;
}

export function quarantinedRecord(
  context: { masker: Masker; persons?: PersonNames },
  cause: QuarantineCause,
  record: unknown,
): QuarantinedRecord {
  const { type, reason, eventId } = cause;
  const kept = keptOf(context, record);
  return eventId === undefined ? { type, reason, record: kept } : { type, reason, eventId, record: kept };
}

function keptOf({ masker, persons }: { masker: Masker; persons?: PersonNames }, record: unknown): unknown {
  // Masked before it is cut: a cut could leave half an email that the masker no longer knows.
  if (typeof record === 'string') {
    const masked = masker.maskString(record);
    return cutText(masked) ?? masked;
  }
  const shallow = cutDeeper(record, 0);
  const masked = masker.maskValue(persons === undefined ? shallow : persons.applyRaw(shallow));
  return cutText(JSON.stringify(masked) ?? 'null') ?? masked;
}

function cutText(text: string): { text: string; cutAt: number; length: number } | undefined {
  if (text.length <= QUARANTINE_MAX_TEXT) return undefined;
  return { text: text.slice(0, QUARANTINE_MAX_TEXT), cutAt: QUARANTINE_MAX_TEXT, length: text.length };
}

function cutDeeper(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= QUARANTINE_MAX_DEPTH) return CUT_DEEPER;
  if (Array.isArray(value)) return value.map((item) => cutDeeper(item, depth + 1));
  const out: RawRecord = {};
  for (const [key, item] of Object.entries(value)) setField(out, key, cutDeeper(item, depth + 1));
  return out;
}
