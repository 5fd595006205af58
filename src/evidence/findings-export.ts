import { addDays } from '../days';
import { sqlString } from '../lake/duckdb';
import { QueryEngine, rowObjects } from '../query/engine';

/** One stored finding, as the evidence package lists it. */
export interface FindingRow {
  check_id: string;
  title: string;
  severity: string;
  controls: string;
  window_from: string;
  window_to: string;
  finding_key: string;
  user_id: string;
  event_count: string;
  first_event_time: string;
  last_event_time: string;
  summary: string;
  results_sha256: string;
  run_at: string;
}

export const FINDING_CSV_COLUMNS: Array<keyof FindingRow> = [
  'check_id',
  'title',
  'severity',
  'controls',
  'window_from',
  'window_to',
  'finding_key',
  'user_id',
  'event_count',
  'first_event_time',
  'last_event_time',
  'summary',
  'results_sha256',
  'run_at',
];

/**
 * Findings of check windows that start inside [from, to] (days, inclusive), from audit_findings
 * (DuckDB SQL: the export reads findings with the DuckDB engine on every deployment).
 * The same finding stored by two runs with identical results is one row (the key holds the hash).
 */
export async function readFindings(engine: QueryEngine, range: { from: string; to: string }): Promise<FindingRow[]> {
  const start = `${range.from} 00:00:00`;
  const end = `${addDays(range.to, 1)} 00:00:00`;
  const cols = FINDING_CSV_COLUMNS.map((c) =>
    ['window_from', 'window_to', 'first_event_time', 'last_event_time', 'run_at'].includes(c)
      ? `strftime(${c}, '%Y-%m-%dT%H:%M:%S.%gZ') AS ${c}`
      : c,
  );
  const sql = `SELECT ${cols.join(', ')} FROM audit_findings
    WHERE window_from >= TIMESTAMP ${sqlString(start)} AND window_from < TIMESTAMP ${sqlString(end)}
    QUALIFY row_number() OVER (PARTITION BY check_id, finding_key, results_sha256 ORDER BY run_at) = 1
    ORDER BY first_event_time, check_id, finding_key`;
  const result = await engine.query(sql, { days: range });
  return rowObjects(result).map(
    (r) => Object.fromEntries(FINDING_CSV_COLUMNS.map((c) => [c, r[c] ?? ''])) as unknown as FindingRow,
  );
}

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function toCsv(columns: string[], rows: Array<Record<string, string | number | null | undefined>>): string {
  const cell = (v: string | number | null | undefined) => {
    let s = v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n')}\r\n`;
}
