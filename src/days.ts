/**
 * UTC calendar days as 'YYYY-MM-DD' strings. Pure functions (no clock, no I/O), so workflow
 * code uses them too.
 */
const DAY_MS = 86_400_000;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidDay(day: string): boolean {
  const m = DAY_RE.exec(day);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === day;
}

export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

export function addDays(day: string, n: number): string {
  return new Date(dayStartMs(day) + n * DAY_MS).toISOString().slice(0, 10);
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The day's half-open interval [start, end) in ISO-8601, as the audit query API takes it. */
export function dayInterval(day: string): { start: string; end: string } {
  return { start: `${day}T00:00:00.000Z`, end: `${addDays(day, 1)}T00:00:00.000Z` };
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

export function dayCount(from: string, to: string): number {
  return Math.round((dayStartMs(to) - dayStartMs(from)) / DAY_MS) + 1;
}

/**
 * The day a daily run due at `dueMs` collects: the previous UTC day of the moment DAILY_LAG_MINUTES
 * earlier. Until the lag has passed after midnight (02:00 UTC by default) that is the day before
 * yesterday, so tests that expect "yesterday" use this rule rather than the calendar.
 */
export function collectionDay(dueMs: number, lagMinutes: number): string {
  return addDays(dayOf(dueMs - lagMinutes * 60_000), -1);
}
