import { LAKE_COLUMNS } from '../model/canonical';
import { Dialect, ExtraColumn, extractSql } from './extra-columns';

/** Partition columns of every lake table (strings: '2026', '08', '03'). */
export const PARTITION_COLUMNS = ['year', 'month', 'day'] as const;

/**
 * audit_events_all: the sealed days plus the live (stream) rows of events the sealed days do not
 * hold yet, without duplicates. Sealed rows win: a live row is dropped as soon as its event is
 * sealed; live duplicates of one (event, change) keep their first row. Same text on both engines
 * apart from the JSON functions of recrawled columns.
 */
export function allEventsViewSql(
  dialect: Dialect,
  extraColumns: readonly ExtraColumn[],
  opts: { liveIsEmpty?: boolean } = {},
): string {
  const cols = (alias: string) =>
    [
      ...LAKE_COLUMNS.map((c) => `${alias}.${c.name}`),
      ...extraColumns.map(
        (c) => `coalesce(${alias}.${c.name}, ${extractSql(c, dialect, `${alias}.extra`)}) AS ${c.name}`,
      ),
      ...PARTITION_COLUMNS.map((p) => `${alias}.${p}`),
    ].join(', ');
  const sealed = `SELECT ${cols('s')} FROM audit_events s`;
  // Locally, with no live files, the anti-join is skipped: the result is the same.
  if (opts.liveIsEmpty) return sealed;
  return `${sealed}
UNION ALL
SELECT ${cols('l')} FROM (
  SELECT live.*, row_number() OVER (PARTITION BY live.event_id, live.change_index ORDER BY live.event_time) AS live_rank
  FROM audit_events_live live
  WHERE NOT EXISTS (
    SELECT 1 FROM audit_events sealed
    WHERE sealed.year = live.year AND sealed.month = live.month AND sealed.day = live.day AND sealed.event_id = live.event_id
  )
) l
WHERE l.live_rank = 1`;
}

/** Columns of the findings table (check runs write them; see src/checks/findings-store.ts). */
export const FINDINGS_COLUMNS: ReadonlyArray<{ name: string; duckdb: string; athena: string }> = [
  { name: 'check_id', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'title', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'severity', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'controls', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'window_from', duckdb: 'TIMESTAMP', athena: 'timestamp' },
  { name: 'window_to', duckdb: 'TIMESTAMP', athena: 'timestamp' },
  { name: 'finding_key', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'user_id', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'event_ids', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'event_count', duckdb: 'INTEGER', athena: 'int' },
  { name: 'first_event_time', duckdb: 'TIMESTAMP', athena: 'timestamp' },
  { name: 'last_event_time', duckdb: 'TIMESTAMP', athena: 'timestamp' },
  { name: 'summary', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'details', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'parameters', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'results_sha256', duckdb: 'VARCHAR', athena: 'string' },
  { name: 'run_at', duckdb: 'TIMESTAMP', athena: 'timestamp' },
  { name: 'engine', duckdb: 'VARCHAR', athena: 'string' },
];
