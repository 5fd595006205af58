/**
 * Access snapshots written straight to the lake in the snapshot writer's layout (one locked
 * Parquet file per table per day, access_coverage saying which tables were readable; a table not
 * readable has no file), for the reconciliation, checks, review and evidence tests.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../../src/config/config';
import { openDuckDb, sqlString } from '../../src/lake/duckdb';
import { partitionPrefix } from '../../src/lake/keys';
import { ACCESS_TABLES, AccessTable, accessTableColumns } from '../../src/query/lake-tables';
import { putLockedObject } from '../../src/s3/locked-object';
import { lakeOf } from '../../src/s3/lake';

type Row = Record<string, string | number | boolean | string[] | null>;

export interface Snapshot {
  users?: Row[];
  roles?: Row[];
  grants?: Row[];
  clients?: Row[];
  divisions?: Row[];
  /** Tables the OAuth client could not read, with the permission it lacked. */
  unreadable?: Partial<Record<Exclude<AccessTable, 'access_coverage'>, string>>;
  capturedAt?: string;
}

const BY_TABLE = {
  access_users: 'users',
  access_roles: 'roles',
  access_grants: 'grants',
  access_oauth_clients: 'clients',
  access_divisions: 'divisions',
} as const;

export async function writeSnapshot(lake: { config: Config; s3: S3Client }, org: string, day: string, snap: Snapshot) {
  const capturedAt = snap.capturedAt ?? `${day}T23:59:00.000Z`;
  const coverage: Row[] = [];
  for (const table of ACCESS_TABLES) {
    if (table === 'access_coverage') continue;
    const missing = snap.unreadable?.[table];
    const rows = snap[BY_TABLE[table]] ?? [];
    coverage.push({
      table_name: table,
      readable: missing === undefined,
      missing_permission: missing ?? null,
      row_count: missing === undefined ? rows.length : 0,
      requests: 1,
    });
    if (missing === undefined) await putTable(lake, org, day, table, rows, capturedAt);
  }
  await putTable(lake, org, day, 'access_coverage', coverage, capturedAt);
}

async function putTable(
  lake: { config: Config; s3: S3Client },
  org: string,
  day: string,
  table: AccessTable,
  rows: Row[],
  capturedAt: string,
) {
  const columns = accessTableColumns(table);
  const work = await mkdtemp(path.join(tmpdir(), 'access-fixture-'));
  const db = await openDuckDb({ threads: 1 });
  try {
    await db.connection.run(`SET TimeZone = 'UTC'`);
    const full = rows.map((r) => ({ org_id: org, snapshot_day: day, captured_at: capturedAt, ...r }));
    const out = path.join(work, 'part.parquet');
    let select: string;
    if (full.length === 0) {
      select = `SELECT ${columns.map((c) => `CAST(NULL AS ${c.duckdb}) AS ${c.name}`).join(', ')} WHERE false`;
    } else {
      const json = path.join(work, 'rows.ndjson');
      await writeFile(json, full.map((r) => JSON.stringify(r)).join('\n'));
      const spec = columns
        .map((c) => `${c.name}: ${sqlString(c.duckdb === 'TIMESTAMP' ? 'VARCHAR' : c.duckdb)}`)
        .join(', ');
      const cols = columns.map((c) =>
        c.duckdb === 'TIMESTAMP'
          ? `CAST(CAST(${c.name} AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS TIMESTAMP) AS ${c.name}`
          : c.name,
      );
      select = `SELECT ${cols.join(', ')} FROM read_json(${sqlString(json)}, format = 'newline_delimited', columns = {${spec}})`;
    }
    await db.connection.run(`COPY (${select}) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`);
    await putLockedObject(lakeOf(lake.config, lake.s3), {
      key: `${partitionPrefix(org, table, day)}part-00000.parquet`,
      body: await readFile(out),
      contentType: 'application/vnd.apache.parquet',
    });
  } finally {
    db.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** Helpers for rows. */
export const user = (user_id: string, state: string, lastLogin: string | null): Row => ({
  user_id,
  user_name: `person#k1:${user_id}`,
  state,
  division_id: 'div-home',
  date_last_login: lastLogin,
  last_token_issued: null,
});
export const role = (role_id: string, role_name: string, permissions: string[]): Row => ({
  role_id,
  role_name,
  default_role_id: null,
  user_count: null,
  permissions,
  permissions_hash: [...permissions].sort().join('|'),
});
export const grant = (subject_id: string, role_id: string, subject_type = 'user'): Row => ({
  subject_id,
  subject_type,
  role_id,
  division_id: 'div-home',
});
export const client = (client_id: string, grantType: string, role_ids: string[], created: string): Row => ({
  client_id,
  client_name: `client ${client_id}`,
  authorized_grant_type: grantType,
  state: 'active',
  role_ids,
  created_by_id: 'u-admin',
  date_created: created,
  modified_by_id: null,
  date_modified: null,
});
export const division = (division_id: string, home: boolean): Row => ({
  division_id,
  division_name: division_id,
  home_division: home,
});
