import { INTERVAL_TOO_LONG, INVALID_DATE, badRequest } from './errors-body';

export interface Interval {
  start: number;
  end: number;
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Parses one ISO-8601 instant; a time without a zone is UTC, as Genesys reads it. */
function parseInstant(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const zone = m[3] ?? 'Z';
  const time = m[2] ?? 'T00:00:00';
  const ms = Date.parse(`${m[1]}${time}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
  return Number.isFinite(ms) ? ms : undefined;
}

function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [w, d, h, min, s] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
  return (((w * 7 + d) * 24 + h) * 60 + min) * 60_000 + s * 1000;
}

/**
 * Parses an ISO-8601 interval (`start/end`, `start/duration` or `duration/end`). Throws the
 * 400 ApiError Genesys answers with for a missing, malformed, reversed or too long interval.
 */
export function parseInterval(value: unknown, maxDays = 31): Interval {
  if (value === undefined || value === null || value === '')
    throw badRequest('interval: may not be null', 'constraint.validation');
  if (typeof value !== 'string') throw badRequest(INVALID_DATE, 'invalid.date');
  const parts = value.split('/');
  if (parts.length !== 2) throw badRequest(INVALID_DATE, 'invalid.date');
  let start = parseInstant(parts[0]);
  let end = parseInstant(parts[1]);
  if (start === undefined && end !== undefined) {
    const d = parseDuration(parts[0]);
    if (d !== undefined) start = end - d;
  } else if (start !== undefined && end === undefined) {
    const d = parseDuration(parts[1]);
    if (d !== undefined) end = start + d;
  }
  if (start === undefined || end === undefined) throw badRequest(INVALID_DATE, 'invalid.date');
  if (end <= start) throw badRequest('The interval end must be after its start', 'bad.request');
  if (end - start > maxDays * 86_400_000) throw badRequest(INTERVAL_TOO_LONG, 'bad.request');
  return { start, end };
}
