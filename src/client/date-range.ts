import { addDays, dayOf, isValidDay } from '../days';
import { ConfigError } from '../errors';

/**
 * Checks a backfill range before anything starts: real dates, from <= to, complete days only
 * (to before today, UTC), and inside the API's retention.
 */
export function validateRange(from: string, to: string, opts: { retentionDays: number; now?: number }): { from: string; to: string } {
  const today = dayOf(opts.now ?? Date.now());
  const problems: string[] = [];
  if (!isValidDay(from)) problems.push(`--from: expected a date YYYY-MM-DD, got "${from}"`);
  if (!isValidDay(to)) problems.push(`--to: expected a date YYYY-MM-DD, got "${to}"`);
  if (problems.length === 0) {
    const oldest = addDays(today, -(opts.retentionDays - 1));
    if (from > to) problems.push(`--from ${from} is after --to ${to}`);
    if (to >= today) problems.push(`--to ${to}: only complete UTC days can be collected; the latest is ${addDays(today, -1)}`);
    if (from < oldest) {
      problems.push(
        `--from ${from} is older than the audit API's retention (${opts.retentionDays} days): the oldest day it still serves is ${oldest}; older evidence can only come from the lake's archive`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return { from, to };
}
