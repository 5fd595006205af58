import { NotReadableError } from '../errors';
import { allPages, ConfigClient, ENDPOINT_PERMISSIONS } from '../genesys/config-client';
import type { AccessTable } from '../lake/keys';
import type { TransformContext } from '../transform/pipeline';
import {
  divisionRow,
  DivisionRow,
  GrantRow,
  grantRows,
  OAuthClientRow,
  oauthClientRow,
  oauthGrantRows,
  RoleRow,
  roleRow,
  UserRow,
  userRow,
} from './rows';

export type DataTable = Exclude<AccessTable, 'access_coverage'>;

/** What the snapshot could read of one table: `readable: false` means unknown, never empty. */
export interface CoverageRow {
  table_name: DataTable;
  readable: boolean;
  missing_permission: string | null;
  row_count: number;
  requests: number;
}

export interface CollectedSnapshot {
  /** Genesys' org id (GET /api/v2/organizations/me). */
  orgId: string;
  tables: {
    access_users: UserRow[] | null;
    access_roles: RoleRow[] | null;
    access_grants: GrantRow[] | null;
    access_oauth_clients: OAuthClientRow[] | null;
    access_divisions: DivisionRow[] | null;
  };
  coverage: CoverageRow[];
  requests: number;
}

/**
 * Pages through Genesys' configuration APIs and maps every page to masked rows as it arrives
 * (no unmasked name is kept past its page). A table the OAuth client may not read is recorded
 * as not readable with the permission it lacks; any other error fails the snapshot (Temporal retries it).
 */
export async function collectSnapshot(
  client: ConfigClient,
  transform: TransformContext,
  onProgress: (what: string) => void = () => undefined,
): Promise<CollectedSnapshot> {
  const coverage: CoverageRow[] = [];
  const start = client.requests;
  // The client is this snapshot's own (one per activity), so its counter is this snapshot's requests.
  const part = async <T>(table: DataTable, read: () => Promise<T[]>): Promise<T[] | null> => {
    const before = client.requests;
    try {
      const value = await read();
      const requests = client.requests - before;
      coverage.push({ table_name: table, readable: true, missing_permission: null, row_count: value.length, requests });
      onProgress(`${table}: ${value.length} rows`);
      return value;
    } catch (err) {
      if (!(err instanceof NotReadableError)) throw err;
      const requests = client.requests - before;
      coverage.push({ table_name: table, readable: false, missing_permission: err.permission, row_count: 0, requests });
      onProgress(`${table}: not readable (${err.permission})`);
      return null;
    }
  };
  const mapped = async <W, R>(pages: AsyncGenerator<W[]>, map: (w: W) => R | null): Promise<R[]> => {
    const rows: R[] = [];
    for await (const page of pages)
      for (const w of page) {
        const row = map(w);
        if (row !== null) rows.push(row);
      }
    return rows;
  };

  const org = await client.organization();

  const users = await part('access_users', () =>
    mapped(
      allPages((n) => client.users(n)),
      (u) => userRow(u, transform),
    ),
  );
  const roles = await part('access_roles', () =>
    mapped(
      allPages((n) => client.roles(n)),
      (r) => roleRow(r, transform),
    ),
  );
  const oauthWire: Array<Parameters<typeof oauthClientRow>[0]> = [];
  const oauthClients = await part('access_oauth_clients', async () => {
    const rows: OAuthClientRow[] = [];
    for (const c of (await client.oauthClients()).entities ?? []) {
      oauthWire.push({ id: c.id, roleDivisions: c.roleDivisions });
      const row = oauthClientRow(c, transform);
      if (row) rows.push(row);
    }
    return rows;
  });
  const grants =
    roles === null
      ? notReadableGrants(coverage)
      : await part('access_grants', async () => {
          const rows: GrantRow[] = [];
          for (const role of roles) {
            for await (const page of allPages((n) => client.subjectGrants(role.role_id, n)))
              for (const s of page) rows.push(...grantRows(role.role_id, s));
          }
          // OAuth clients hold roles through roleDivisions, not subject grants.
          for (const c of oauthWire) rows.push(...oauthGrantRows(c));
          return dedupeGrants(rows);
        });
  const divisions = await part('access_divisions', () =>
    mapped(
      allPages((n) => client.divisions(n)),
      (d) => divisionRow(d, transform),
    ),
  );

  const order: DataTable[] = [
    'access_users',
    'access_roles',
    'access_grants',
    'access_oauth_clients',
    'access_divisions',
  ];
  coverage.sort((a, b) => order.indexOf(a.table_name) - order.indexOf(b.table_name));
  return {
    orgId: org.id!,
    tables: {
      access_users: users,
      access_roles: roles,
      access_grants: grants,
      access_oauth_clients: oauthClients,
      access_divisions: divisions,
    },
    coverage,
    requests: client.requests - start,
  };
}

/** Without the roles there is no role to ask the grants of: the grants are as unreadable as the roles. */
function notReadableGrants(coverage: CoverageRow[]): null {
  coverage.push({
    table_name: 'access_grants',
    readable: false,
    missing_permission: ENDPOINT_PERMISSIONS.roles,
    row_count: 0,
    requests: 0,
  });
  return null;
}

function dedupeGrants(rows: GrantRow[]): GrantRow[] {
  const seen = new Map<string, GrantRow>();
  for (const r of rows) seen.set(`${r.subject_id}\u0000${r.subject_type}\u0000${r.role_id}\u0000${r.division_id}`, r);
  return [...seen.values()];
}
