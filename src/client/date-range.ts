import { addDays, dayOf, isValidDay } from '../days';
import { ConfigError } from '../errors';

/**
 * The CLI's one parser of --from/--to. Every command reads its range here, before it opens any
 * connection, and a bad range is a ConfigError (exit 2) that lists every problem at once.
 */
export interface DayRange {
  from: string;
  to: string;
}

export interface RangeRules {
  /** Backfill: only complete UTC days (to before today) inside the API's retention. */
  collectable?: { retentionDays: number; now?: number };
}

/** Whole UTC days, both included: real dates, from <= to, and the rules asked for. */
export function parseDayRange(from: string, to: string, rules: RangeRules = {}): DayRange {
  const problems: string[] = [];
  if (!isValidDay(from)) problems.push(`--from: expected a date YYYY-MM-DD, got "${from}"`);
  if (!isValidDay(to)) problems.push(`--to: expected a date YYYY-MM-DD, got "${to}"`);
  if (problems.length === 0) {
    if (from > to) problems.push(`--from ${from} is after --to ${to}`);
    if (rules.collectable) problems.push(...collectableProblems(from, to, rules.collectable));
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return { from, to };
}

function collectableProblems(
  from: string,
  to: string,
  { retentionDays, now }: { retentionDays: number; now?: number },
): string[] {
  const today = dayOf(now ?? Date.now());
  const oldest = addDays(today, -(retentionDays - 1));
  const problems: string[] = [];
  if (to >= today)
    problems.push(`--to ${to}: only complete UTC days can be collected; the latest is ${addDays(today, -1)}`);
  if (from < oldest) {
    problems.push(
      `--from ${from} is older than the audit API's retention (${retentionDays} days): the oldest day it still serves is ${oldest}; older evidence can only come from the lake's archive`,
    );
  }
  return problems;
}

/**
 * A time window [from, to) in ISO-8601: each end a day (YYYY-MM-DD, whole UTC days, `to`
 * inclusive) or an ISO-8601 instant (`to` exclusive); `to` defaults to `from`.
 */
export function parseTimeWindow(from: string, to: string | undefined): DayRange {
  const problems: string[] = [];
  const start = isValidDay(from) ? `${from}T00:00:00.000Z` : instant(from, '--from', problems);
  const endText = to ?? from;
  const end = isValidDay(endText) ? `${addDays(endText, 1)}T00:00:00.000Z` : instant(endText, '--to', problems);
  if (problems.length === 0 && !(start < end)) problems.push(`--from must be before --to (got ${start} .. ${end})`);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return { from: start, to: end };
}

/** The whole days a window touches (for DuckDB's sync of partitions). */
export function windowDays(window: DayRange): DayRange {
  return { from: window.from.slice(0, 10), to: dayOf(Date.parse(window.to) - 1) };
}

function instant(text: string, flag: string, problems: string[]): string {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(ms)) {
    problems.push(`${flag}: expected YYYY-MM-DD or an ISO-8601 time, got "${text}"`);
    return '';
  }
  return new Date(ms).toISOString();
}
