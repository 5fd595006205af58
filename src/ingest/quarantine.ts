import { Masker } from '../transform/mask';
import type { PersonNames } from '../transform/person-names';

/** A quarantined record keeps at most this much text: enough for a person to see what broke. */
const MAX_TEXT = 64 * 1024;

/**
 * What a quarantine record keeps of a bad line or body: masked like the lake (names of people
 * where the source shape puts them, emails, phone numbers), and a very long text cut (the raw
 * object stays in raw/ for the whole of it).
 */
export function maskedForQuarantine(masker: Masker, record: unknown, persons?: PersonNames): unknown {
  if (typeof record === 'string') {
    // Masked before it is cut: a cut could leave half an email that the masker no longer knows.
    const masked = masker.maskString(record);
    return masked.length > MAX_TEXT
      ? { text: masked.slice(0, MAX_TEXT), cutAt: MAX_TEXT, length: masked.length }
      : masked;
  }
  try {
    const masked = masker.maskValue(persons === undefined ? record : persons.applyRaw(record));
    const text = JSON.stringify(masked) ?? 'null';
    return text.length > MAX_TEXT ? { text: text.slice(0, MAX_TEXT), cutAt: MAX_TEXT, length: text.length } : masked;
  } catch {
    // Nested past the masker's depth limit: keep nothing of it rather than something unmasked.
    return { unreadable: 'nested too deeply to mask' };
  }
}
