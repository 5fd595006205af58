import { addDays } from '../days';
import { ACCESS_LOOKBACK_DAYS } from '../query/lake-tables';
import { QueryEngine, rowObjects } from '../query/engine';
import { Check, accessTablesOf } from './check-file';
import { CheckWindow, partitionPredicate, windowDays } from './params';

/** One snapshot table's readability on one snapshot day (access_coverage). */
export interface CoverageRow {
  snapshotDay: string;
  table: string;
  readable: boolean;
  missingPermission: string | null;
}

/** access_coverage rows of the snapshots from `from` (days, inclusive) to `to`. */
export async function readCoverage(engine: QueryEngine, days: { from: string; to: string }): Promise<CoverageRow[]> {
  const window = { from: `${days.from}T00:00:00.000Z`, to: `${addDays(days.to, 1)}T00:00:00.000Z` };
  const result = await engine.query(
    `SELECT snapshot_day, table_name, CAST(readable AS VARCHAR) AS readable, missing_permission FROM access_coverage
     WHERE ${partitionPredicate(window)} AND snapshot_day >= '${days.from}' AND snapshot_day <= '${days.to}'`,
    { days },
  );
  return rowObjects(result).map((r) => ({
    snapshotDay: r.snapshot_day ?? '',
    table: r.table_name ?? '',
    readable: (r.readable ?? '').toLowerCase() === 'true',
    missingPermission: r.missing_permission,
  }));
}

/**
 * Why a snapshot check cannot be evaluated over the window, or nothing: no snapshot in the window,
 * no earlier snapshot to compare with (checks over access_reconciliation), or a table it needs
 * that the OAuth client could not read on one of those snapshots. A table not read is unknown,
 * never empty, so such a check reports this instead of passing.
 */
export async function accessCoverageProblems(
  engine: QueryEngine,
  check: Check,
  window: CheckWindow,
): Promise<string[]> {
  const days = windowDays(window);
  const lookback = addDays(days.from, -ACCESS_LOOKBACK_DAYS);
  const rows = await readCoverage(engine, { from: lookback, to: days.to });
  const inWindow = [...new Set(rows.filter((r) => r.snapshotDay >= days.from).map((r) => r.snapshotDay))].sort();
  if (inWindow.length === 0) return [`no access snapshot from ${days.from} to ${days.to}`];
  const checked = [...inWindow];
  if (/\baccess_reconciliation\b/i.test(check.sql)) {
    const earlier = rows
      .filter((r) => r.snapshotDay < days.from)
      .map((r) => r.snapshotDay)
      .sort();
    if (earlier.length > 0) checked.unshift(earlier[earlier.length - 1]);
    else if (inWindow.length === 1)
      return [`no access snapshot in the ${ACCESS_LOOKBACK_DAYS} days before ${inWindow[0]} to compare it with`];
  }
  const problems: string[] = [];
  for (const day of checked) {
    for (const table of accessTablesOf(check).filter((t) => t !== 'access_coverage')) {
      const row = rows.find((r) => r.snapshotDay === day && r.table === table);
      if (!row) problems.push(`${table} was not captured in the snapshot of ${day}`);
      else if (!row.readable)
        problems.push(
          `${table} was not readable in the snapshot of ${day}${row.missingPermission ? ` (missing ${row.missingPermission})` : ''}`,
        );
    }
  }
  return problems;
}
