import { ConfigError } from '../errors';

/**
 * Recurring weekly windows in UTC, such as authorized change windows ("Sat 01:00-03:00") or
 * business hours ("Mon-Fri 07:00-19:00"), and their rendering as a SQL predicate that Athena
 * (Trino) and DuckDB evaluate the same way.
 */
export interface WeeklyWindow {
  /** ISO weekday: 1 = Monday ... 7 = Sunday. */
  weekday: number;
  /** Minutes after 00:00 UTC, [start, end). */
  startMinute: number;
  endMinute: number;
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Parses "Sat 01:00-03:00; Mon-Fri 07:00-19:00". A window that crosses midnight continues on the next day. */
export function parseWeeklyWindows(text: string, what = 'weekly windows'): WeeklyWindow[] {
  const out: WeeklyWindow[] = [];
  for (const part of text
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const m = /^([A-Za-z]{3})(?:-([A-Za-z]{3}))?\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(part);
    const first = m ? DAYS.indexOf(m[1].toLowerCase()) : -1;
    const last = m?.[2] ? DAYS.indexOf(m[2].toLowerCase()) : first;
    if (!m || first < 0 || last < 0)
      throw new ConfigError(
        `${what}: cannot read "${part}"; expected e.g. "Sat 01:00-03:00" or "Mon-Fri 07:00-19:00" (UTC)`,
      );
    const start = minute(m[3], m[4], part, what);
    const end = minute(m[5], m[6], part, what);
    if (start === end) throw new ConfigError(`${what}: "${part}" is empty`);
    for (let d = first; ; d = (d + 1) % 7) {
      const weekday = d + 1;
      if (start < end) out.push({ weekday, startMinute: start, endMinute: end });
      else {
        out.push({ weekday, startMinute: start, endMinute: 1440 });
        if (end > 0) out.push({ weekday: (weekday % 7) + 1, startMinute: 0, endMinute: end });
      }
      if (d === last) break;
    }
  }
  if (out.length === 0) throw new ConfigError(`${what}: no window given`);
  return out;
}

function minute(h: string, m: string, part: string, what: string): number {
  const hh = Number(h);
  const mm = Number(m);
  if (hh > 24 || mm > 59 || (hh === 24 && mm > 0)) throw new ConfigError(`${what}: "${part}" has an invalid time`);
  return hh * 60 + mm;
}

/**
 * A boolean SQL expression over a timestamp column. The ISO weekday comes from whole days since a
 * Monday (1970-01-05) because `day_of_week`/`dayofweek` differ between Trino and DuckDB.
 */
export function weeklyWindowsSql(windows: WeeklyWindow[], column: string): string {
  const weekday = `(date_diff('day', DATE '1970-01-05', CAST(${column} AS DATE)) % 7 + 1)`;
  const minuteOfDay = `(hour(${column}) * 60 + minute(${column}))`;
  const terms = windows.map(
    (w) => `(${weekday} = ${w.weekday} AND ${minuteOfDay} >= ${w.startMinute} AND ${minuteOfDay} < ${w.endMinute})`,
  );
  return `(${terms.join(' OR ')})`;
}
