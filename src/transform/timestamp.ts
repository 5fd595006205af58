/**
 * ISO-8601 date-times from Genesys into the lake's one form: UTC with exactly three fraction
 * digits (2021-05-31T09:49:25.000Z).
 */

// A zone is required: a time without one would be a guess, and a guessed audit time is no evidence.
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)$/;
// Already canonical: the common case from the API, returned without allocating.
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The UTC form of an ISO-8601 date-time with or without seconds and fraction, with `Z` or an
 * offset; undefined when the text is not such a date-time or names an impossible one (Feb 30).
 * Fractions beyond milliseconds are truncated, not rounded, so a time never moves to the next day.
 */
export function toUtcIso(text: string): string | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  const hour = +m[4];
  const minute = +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1])) return undefined;
  if (CANONICAL.test(text)) return text;

  const millis = m[7] === undefined ? 0 : +m[7].slice(0, 3).padEnd(3, '0');
  const offsetMinutes = parseOffset(m[8]);
  if (offsetMinutes === undefined) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, millis);
  const iso = date.toISOString();
  // An offset can push a year-0000 or year-9999 time out of four-digit years.
  return iso.length === 24 ? iso : undefined;
}

function parseOffset(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = +digits.slice(0, 2);
  const minutes = digits.length > 2 ? +digits.slice(2) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}
