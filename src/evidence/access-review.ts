import { CoverageRow, readCoverage } from '../checks/access-coverage';
import { addDays } from '../days';
import { sqlString } from '../lake/duckdb';
import { QueryEngine, rowObjects } from '../query/engine';
import { ACCESS_LOOKBACK_DAYS } from '../query/lake-tables';

/** Who holds which role (and so which permissions), in which division, on the snapshot day. */
export interface RoleHolder {
  subjectType: string;
  subjectId: string;
  /** Pseudonymized like the events' user names; client names as Genesys has them. */
  subjectName: string | null;
  subjectState: string | null;
  roleId: string;
  roleName: string | null;
  divisionId: string | null;
  divisionName: string | null;
  permissions: string[];
}

/** One difference between consecutive snapshots, with the audit event that explains it or the finding. */
export interface AccessChange {
  snapshotDay: string;
  previousSnapshotDay: string;
  change: string;
  subjectType: string | null;
  subjectId: string | null;
  roleId: string | null;
  divisionId: string | null;
  detail: string | null;
  eventId: string | null;
  eventTime: string | null;
  actorUserId: string | null;
  explained: boolean;
  /** The check whose finding an unexplained change is; null when explained. */
  finding: string | null;
}

export interface AccessReview {
  org: string;
  asOf: string;
  /** The snapshot the holders come from: the latest on or before asOf (null: none in the lookback). */
  snapshotDay: string | null;
  capturedAt: string | null;
  since: string | null;
  coverage: CoverageRow[];
  holders: RoleHolder[];
  changes: AccessChange[];
  /** What the review cannot say: tables the OAuth client could not read, missing snapshots. */
  unknown: string[];
}

/** The check whose finding an unexplained difference is (see checks/grant_without_audit_event.sql and access_change_unexplained.sql). */
function findingOf(c: Pick<AccessChange, 'change' | 'subjectType' | 'roleId' | 'explained'>): string | null {
  if (c.explained) return null;
  if (c.change === 'grant_added' || c.change === 'grant_removed')
    return c.subjectType === 'oauth_client' ? 'access_change_unexplained' : 'grant_without_audit_event';
  if (c.change === 'event_effect_missing' && c.roleId !== null) return 'grant_without_audit_event';
  return 'access_change_unexplained';
}

const day = (text: string | null) => text ?? '';

/**
 * The access review as of a day: the holders of every role from that day's snapshot, and every
 * difference between consecutive snapshots after `since` (default: the snapshot before) up to
 * it, each with its explaining audit event or its finding. Tables the snapshots could not read
 * are listed as unknown, never shown as empty. DuckDB SQL (like the findings export).
 */
export async function accessReview(
  engine: QueryEngine,
  opts: { org: string; asOf: string; since?: string },
): Promise<AccessReview> {
  const lookback = addDays(opts.asOf, -ACCESS_LOOKBACK_DAYS);
  const from = opts.since && opts.since < lookback ? opts.since : lookback;
  const coverageAll = await readCoverage(engine, { from, to: opts.asOf });
  const snapshotDays = [...new Set(coverageAll.map((r) => r.snapshotDay))].sort();
  const snapshotDay = snapshotDays.at(-1) ?? null;
  const unknown: string[] = [];
  if (!snapshotDay) {
    unknown.push(`no access snapshot from ${from} to ${opts.asOf}`);
    return {
      org: opts.org,
      asOf: opts.asOf,
      snapshotDay,
      capturedAt: null,
      since: opts.since ?? null,
      coverage: [],
      holders: [],
      changes: [],
      unknown,
    };
  }
  const coverage = coverageAll.filter((r) => r.snapshotDay === snapshotDay);
  const since = opts.since ?? snapshotDays.filter((d) => d < snapshotDay).at(-1) ?? null;
  const notReadable = (rows: CoverageRow[]) =>
    rows
      .filter((r) => !r.readable)
      .map(
        (r) =>
          `${r.table} was not readable in the snapshot of ${r.snapshotDay}${r.missingPermission ? ` (missing ${r.missingPermission})` : ''}`,
      );
  unknown.push(...notReadable(coverage));

  const holders = await readHolders(engine, snapshotDay);
  const capturedAt = holders.capturedAt;

  let changes: AccessChange[] = [];
  if (since === null) unknown.push(`no access snapshot before ${snapshotDay}: changes cannot be reviewed`);
  else if (since < snapshotDay) {
    const pairDays = snapshotDays.filter((d) => d > since && d <= snapshotDay);
    const previous = snapshotDays.filter((d) => d <= since).at(-1);
    if (!previous)
      unknown.push(`no access snapshot on or before ${since} to compare ${pairDays[0] ?? snapshotDay} with`);
    unknown.push(...notReadable(coverageAll.filter((r) => r.snapshotDay > since && r.snapshotDay < snapshotDay)));
    if (previous) unknown.push(...notReadable(coverageAll.filter((r) => r.snapshotDay === previous)));
    changes = await readChanges(engine, addDays(since, 1), snapshotDay);
  }
  return {
    org: opts.org,
    asOf: opts.asOf,
    snapshotDay,
    capturedAt,
    since,
    coverage,
    holders: holders.rows,
    changes,
    unknown: [...new Set(unknown)],
  };
}

async function readHolders(
  engine: QueryEngine,
  snapshotDay: string,
): Promise<{ rows: RoleHolder[]; capturedAt: string | null }> {
  const d = sqlString(snapshotDay);
  const days = { from: snapshotDay, to: snapshotDay };
  const result = await engine.query(
    `SELECT g.subject_type, g.subject_id, coalesce(u.user_name, c.client_name) AS subject_name, coalesce(u.state, c.state) AS subject_state,
       g.role_id, r.role_name, g.division_id, dv.division_name,
       strftime(g.captured_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS captured_at
     FROM access_grants g
     LEFT JOIN access_users u ON u.snapshot_day = g.snapshot_day AND u.user_id = g.subject_id AND g.subject_type = 'user'
     LEFT JOIN access_oauth_clients c ON c.snapshot_day = g.snapshot_day AND c.client_id = g.subject_id AND g.subject_type = 'oauth_client'
     LEFT JOIN access_roles r ON r.snapshot_day = g.snapshot_day AND r.role_id = g.role_id
     LEFT JOIN access_divisions dv ON dv.snapshot_day = g.snapshot_day AND dv.division_id = g.division_id
     WHERE g.snapshot_day = ${d}
     ORDER BY r.role_name, g.role_id, g.subject_type, g.subject_id, g.division_id`,
    { days },
  );
  const perms = await engine.query(
    `SELECT r.role_id, p.v FROM access_roles r CROSS JOIN UNNEST(r.permissions) AS p(v) WHERE r.snapshot_day = ${d} ORDER BY r.role_id, p.v`,
    { days },
  );
  const permissions = new Map<string, string[]>();
  for (const r of rowObjects(perms))
    permissions.set(day(r.role_id), [...(permissions.get(day(r.role_id)) ?? []), day(r.v)]);
  const rows = rowObjects(result);
  return {
    capturedAt: rows[0]?.captured_at ?? null,
    rows: rows.map((r) => ({
      subjectType: day(r.subject_type),
      subjectId: day(r.subject_id),
      subjectName: r.subject_name,
      subjectState: r.subject_state,
      roleId: day(r.role_id),
      roleName: r.role_name,
      divisionId: r.division_id,
      divisionName: r.division_name,
      permissions: permissions.get(day(r.role_id)) ?? [],
    })),
  };
}

async function readChanges(engine: QueryEngine, from: string, to: string): Promise<AccessChange[]> {
  const result = await engine.query(
    `SELECT snapshot_day, previous_snapshot_day, change, subject_type, subject_id, role_id, division_id, detail, event_id,
       strftime(event_time, '%Y-%m-%dT%H:%M:%S.%gZ') AS event_time, actor_user_id, CAST(explained AS VARCHAR) AS explained
     FROM access_reconciliation
     WHERE snapshot_day >= ${sqlString(from)} AND snapshot_day <= ${sqlString(to)}
     ORDER BY snapshot_day, change, subject_id, role_id, division_id`,
    { days: { from, to } },
  );
  return rowObjects(result).map((r) => {
    const c = {
      snapshotDay: day(r.snapshot_day),
      previousSnapshotDay: day(r.previous_snapshot_day),
      change: day(r.change),
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      roleId: r.role_id,
      divisionId: r.division_id,
      detail: r.detail,
      eventId: r.event_id,
      eventTime: r.event_time,
      actorUserId: r.actor_user_id,
      explained: r.explained === 'true',
    };
    return { ...c, finding: findingOf(c) };
  });
}

/** The review's files in the evidence package. */
export const ACCESS_HOLDERS_FILE = 'access-review/holders.csv';
export const ACCESS_CHANGES_FILE = 'access-review/changes.csv';

export const HOLDER_CSV_COLUMNS = [
  'snapshot_day',
  'subject_type',
  'subject_id',
  'subject_name',
  'subject_state',
  'role_id',
  'role_name',
  'division_id',
  'division_name',
  'permissions',
];

export const CHANGE_CSV_COLUMNS = [
  'snapshot_day',
  'previous_snapshot_day',
  'change',
  'subject_type',
  'subject_id',
  'role_id',
  'division_id',
  'detail',
  'explained',
  'event_id',
  'event_time',
  'actor_user_id',
  'finding',
];

export function holderCsvRows(review: AccessReview): Array<Record<string, string | null>> {
  return review.holders.map((h) => ({
    snapshot_day: review.snapshotDay,
    subject_type: h.subjectType,
    subject_id: h.subjectId,
    subject_name: h.subjectName,
    subject_state: h.subjectState,
    role_id: h.roleId,
    role_name: h.roleName,
    division_id: h.divisionId,
    division_name: h.divisionName,
    permissions: h.permissions.join(' '),
  }));
}

export function changeCsvRows(review: AccessReview): Array<Record<string, string | null>> {
  return review.changes.map((c) => ({
    snapshot_day: c.snapshotDay,
    previous_snapshot_day: c.previousSnapshotDay,
    change: c.change,
    subject_type: c.subjectType,
    subject_id: c.subjectId,
    role_id: c.roleId,
    division_id: c.divisionId,
    detail: c.detail,
    explained: String(c.explained),
    event_id: c.eventId,
    event_time: c.eventTime,
    actor_user_id: c.actorUserId,
    finding: c.finding,
  }));
}
