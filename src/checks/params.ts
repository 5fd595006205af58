import { daysBetween, dayOf } from '../days';
import { ConfigError } from '../errors';
import { parseWeeklyWindows, weeklyWindowsSql } from './weekly-windows';

/**
 * Typed check parameters and their rendering as SQL literals. Values never reach the SQL as raw
 * text: integers are checked to be integers, strings are quoted with quotes doubled (the one
 * escape both Trino and DuckDB use; backslashes are not escapes in either), lists become a VALUES
 * subquery, windows become a predicate over event_time.
 */
export type ParamType = 'integer' | 'minutes' | 'string' | 'string_list' | 'boolean' | 'weekly_windows';
export type ParamValue = number | string | boolean | string[];

export interface ParamSpec {
  type: ParamType;
  default: ParamValue;
  description: string;
  /** Setting (config) whose value replaces the default, e.g. CHECKS_CHANGE_WINDOWS. */
  setting?: string;
  min?: number;
  max?: number;
}

/** Parameters every check gets from the runner, not from its YAML. */
export const BUILTIN_PARAMS = ['from', 'to', 'partitions', 'system_user_ids', 'include_system_level'] as const;

export function coerceParam(name: string, spec: Pick<ParamSpec, 'type' | 'min' | 'max'>, raw: unknown): ParamValue {
  const bad = (why: string) => new ConfigError(`check parameter ${name}: ${why} (got ${JSON.stringify(raw)})`);
  switch (spec.type) {
    case 'integer':
    case 'minutes': {
      const n =
        typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n)) throw bad('expected a whole number');
      if (spec.min !== undefined && n < spec.min) throw bad(`expected at least ${spec.min}`);
      if (spec.max !== undefined && n > spec.max) throw bad(`expected at most ${spec.max}`);
      if (spec.type === 'minutes' && n <= 0) throw bad('expected a positive number of minutes');
      return n;
    }
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw bad('expected true or false');
    case 'string':
      if (typeof raw !== 'string' || hasControlChars(raw)) throw bad('expected a single-line string');
      return raw;
    case 'string_list': {
      const list = Array.isArray(raw)
        ? raw
        : typeof raw === 'string'
          ? raw
              .split(',')
              .map((s) => s.trim())
              .filter((s) => s !== '')
          : undefined;
      if (!list || list.some((s) => typeof s !== 'string' || hasControlChars(s)))
        throw bad('expected a list of strings (or a comma-separated string)');
      return list as string[];
    }
    case 'weekly_windows':
      if (typeof raw !== 'string') throw bad('expected windows such as "Sat 01:00-03:00"');
      parseWeeklyWindows(raw, `check parameter ${name}`);
      return raw;
  }
}

/** Line breaks and other control characters have no place in a parameter value. */
function hasControlChars(s: string): boolean {
  return [...s].some((ch) => ch.charCodeAt(0) < 0x20);
}

export const sqlLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

export function renderParam(type: ParamType, value: ParamValue): string {
  switch (type) {
    case 'integer':
      return String(value as number);
    case 'minutes':
      return `INTERVAL '${value as number}' MINUTE`;
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'string':
      return sqlLiteral(value as string);
    case 'string_list': {
      const list = value as string[];
      // A subquery, not "(a, b)": it works after IN and NOT IN (an empty list too, with no NULL
      // trap) and after CROSS JOIN ... AS alias (alias.v).
      if (list.length === 0) return `(SELECT v FROM (VALUES (CAST('' AS VARCHAR))) AS empty_list(v) WHERE 1 = 0)`;
      return `(SELECT v FROM (VALUES ${list.map((s) => `(${sqlLiteral(s)})`).join(', ')}) AS list(v))`;
    }
    case 'weekly_windows':
      return weeklyWindowsSql(parseWeeklyWindows(value as string), 'event_time');
  }
}

/** A check window: [from, to), instants in ISO-8601 UTC. */
export interface CheckWindow {
  from: string;
  to: string;
}

export function timestampLiteral(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new ConfigError(`not a timestamp: ${JSON.stringify(iso)}`);
  return `TIMESTAMP '${d.toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/** UTC days the window touches (inclusive). */
export function windowDays(w: CheckWindow): { from: string; to: string } {
  return { from: dayOf(Date.parse(w.from)), to: dayOf(Date.parse(w.to) - 1) };
}

/**
 * Equality and range predicates on the partition columns, one term per month: Athena's partition
 * projection prunes on these, and DuckDB's Hive partitioning does too.
 */
export function partitionPredicate(w: CheckWindow): string {
  const { from, to } = windowDays(w);
  const months = new Map<string, string[]>();
  for (const day of daysBetween(from, to)) {
    const key = day.slice(0, 7);
    months.set(key, [...(months.get(key) ?? []), day.slice(8, 10)]);
  }
  const terms = [...months].map(
    ([ym, days]) =>
      `(year = '${ym.slice(0, 4)}' AND month = '${ym.slice(5, 7)}' AND day BETWEEN '${days[0]}' AND '${days[days.length - 1]}')`,
  );
  return `(${terms.join(' OR ')})`;
}
