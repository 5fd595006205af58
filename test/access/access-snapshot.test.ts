/**
 * The daily access snapshot on the real stack (simulator, MinIO, Temporal, DuckDB): a sealed day
 * gets one locked Parquet file per access table, listed in a new signed version of the day's
 * manifest; its rows are what the sandbox org's configuration APIs answer (read here with the
 * official SDK, not our client) and hold the planted anomalies of the simulator's ground truth;
 * no user's name or e-mail is in the lake; a client without oauth:client:view gets that table as
 * not readable and no file; verify passes and names a tampered snapshot object; a second run
 * writes nothing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { WorkflowFailedError } from '@temporalio/client';
import * as platformClient from 'purecloud-platform-client-v2';
import { Config } from '../../src/config/config';
import { verifyLake } from '../../src/evidence/verify';
import { openDuckDb, sqlString } from '../../src/lake/duckdb';
import { ACCESS_TABLES, AccessTable, accessPartKey, partitionPrefix } from '../../src/lake/keys';
import { ManifestChain } from '../../src/lake/manifest-chain';
import { listKeys } from '../../src/s3/list-objects';
import { headVersion } from '../../src/s3/object-versions';
import { Simulator, startSimulator } from '../../src/sim';
import { accessSnapshotWorkflow, collectDayWorkflow } from '../../src/workflows';
import { freshLake, sandboxEnv } from '../harness/env';
import { startTestWorkers, TestWorkers } from '../harness/workers';
import { lakeOf } from '../../src/s3/lake';

const ORG = 'accessco';
const dayBefore = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const DAY = dayBefore(2);
const DAY_NO_OAUTH = dayBefore(3);
const DAY_UNSEALED = dayBefore(4);

let sim: Simulator;
let config: Config;
let s3: S3Client;
let t: TestWorkers;
let work: string;

before(async () => {
  sim = await startSimulator({
    seed: 'access-snapshot-test',
    eventsPerDay: 200,
    rateLimitPerMinute: 100_000,
    clientRoles: 'access-reviewer',
  });
  // One moment for the whole test: the configuration is the state at the simulator's clock.
  sim.setNow(Date.now());
  // The sandbox makes its out-of-band grant a minute after its configuration is first read (a
  // first snapshot never has it): read it once, then let two minutes pass.
  sim.accessTruth();
  sim.advance(2 * 60_000);
  const lake = await freshLake({
    GCAUDIT_ORG: ORG,
    LAKE_RETENTION_DAYS: '1',
    ...sandboxEnv(sim),
    GENESYS_REQUESTS_PER_MINUTE: '6000',
    BACKFILL_REQUESTS_PER_MINUTE: '3000',
    GENESYS_ORG_REQUESTS_PER_MINUTE: '10000',
  });
  config = lake.config;
  s3 = lake.s3;
  t = await startTestWorkers(config);
  work = await mkdtemp(path.join(tmpdir(), 'access-test-'));
  for (const day of [DAY, DAY_NO_OAUTH])
    await t.client.workflow.execute(collectDayWorkflow, {
      taskQueue: t.queues.daily,
      workflowId: `collect-day/${ORG}/${day}`,
      args: [{ org: ORG, day, lakeTaskQueue: t.queues.lake, checksAfterSeal: false, ocsfAfterSeal: false }],
    });
});

after(async () => {
  await t.stop();
  await sim.close();
  s3.destroy();
  await rm(work, { recursive: true, force: true });
});

const snapshot = (day: string, suffix = '') =>
  t.client.workflow.execute(accessSnapshotWorkflow, {
    taskQueue: t.queues.daily,
    workflowId: `access-snapshot/${ORG}/${day}${suffix}`,
    args: [{ org: ORG, day, lakeTaskQueue: t.queues.lake }],
  });

/** Rows of one table of the lake, read with DuckDB from the object as stored. */
async function readTable(table: AccessTable, day: string): Promise<Array<Record<string, unknown>>> {
  const res = await s3.send(new GetObjectCommand({ Bucket: config.s3.bucket, Key: accessPartKey(ORG, table, day) }));
  const file = path.join(work, `${table}-${day}.parquet`);
  await writeFile(file, Buffer.from(await res.Body!.transformToByteArray()));
  const db = await openDuckDb();
  try {
    const reader = await db.connection.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(file)})`);
    return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

/** The sandbox org's configuration as the official SDK reads it (every page). */
async function sdkState() {
  const client = platformClient.ApiClient.instance;
  client.setGateway({
    host: '127.0.0.1',
    protocol: 'http',
    port: Number(new URL(sim.baseUrl).port),
    path_params_login: '',
    path_params_api: '',
  });
  await client.loginClientCredentialsGrant(sim.clientId, sim.clientSecret);
  const users: platformClient.Models.User[] = [];
  const usersApi = new platformClient.UsersApi();
  for (let page = 1; ; page++) {
    const l = await usersApi.getUsers({ pageSize: 500, pageNumber: page, state: 'any', expand: ['dateLastLogin'] });
    users.push(...(l.entities ?? []));
    if (page >= (l.pageCount ?? 1)) break;
  }
  const authz = new platformClient.AuthorizationApi();
  const roles: platformClient.Models.DomainOrganizationRole[] = [];
  for (let page = 1; ; page++) {
    const l = await authz.getAuthorizationRoles({ pageSize: 100, pageNumber: page });
    roles.push(...(l.entities ?? []));
    if (page >= (l.pageCount ?? 1)) break;
  }
  const grants = new Set<string>();
  for (const role of roles) {
    for (let page = 1; ; page++) {
      const l = await authz.getAuthorizationRoleSubjectgrants(role.id!, { pageSize: 100, pageNumber: page });
      for (const s of l.entities ?? []) for (const d of s.divisions ?? []) grants.add(`${s.id}|${role.id}|${d.id}`);
      if (page >= (l.pageCount ?? 1)) break;
    }
  }
  const clients = (await new platformClient.OAuthApi().getOauthClients()).entities ?? [];
  for (const c of clients) for (const rd of c.roleDivisions ?? []) grants.add(`${c.id}|${rd.roleId}|${rd.divisionId}`);
  const divisions = (await authz.getAuthorizationDivisions({ pageSize: 100 })).entities ?? [];
  return { users, roles, grants, clients, divisions };
}

describe('access snapshot of a sealed day', () => {
  let first: Awaited<ReturnType<typeof snapshot>>;

  before(async () => {
    first = await snapshot(DAY);
  });

  test('writes one locked Parquet file per table, in a new signed version of the day’s manifest', async () => {
    assert.equal(first.status, 'written');
    if (first.status !== 'written') return;
    assert.equal(first.version, 2, 'version 1 is the seal of the events');
    assert.deepEqual(first.notReadable, []);
    assert.deepEqual(first.objects.map((o) => o.table).sort(), [...ACCESS_TABLES].sort());
    const manifests = await new ManifestChain(lakeOf(config, s3), ORG).dayManifests(DAY);
    assert.deepEqual(
      manifests.map((m) => m.version),
      [1, 2],
    );
    const m = manifests[1];
    assert.equal(m.dayTotals.events, manifests[0].dayTotals.events, 'the events did not change');
    assert.deepEqual(
      m.accessSnapshot?.coverage.map((c) => [c.table, c.readable]),
      [
        ['access_users', true],
        ['access_roles', true],
        ['access_grants', true],
        ['access_oauth_clients', true],
        ['access_divisions', true],
      ],
    );
    for (const o of m.objects) {
      assert.equal(o.key, accessPartKey(ORG, o.table as AccessTable, DAY));
      const head = await headVersion(s3, config.s3.bucket, o.key, o.versionId);
      assert.equal(head.lockMode, config.lake.lockMode, `${o.key} is locked`);
      assert.ok(head.retainUntil && Date.parse(head.retainUntil) > Date.now(), `${o.key} retained`);
    }
  });

  test('its rows are the org’s configuration as Genesys’ APIs answer it, with the planted anomalies', async () => {
    const sdk = await sdkState();
    const truth = (await (await fetch(`${sim.baseUrl}/_sim/access-truth`)).json()) as {
      outOfBandGrant: { userId: string; roleId: string; divisionId: string };
      dormantAdmin: { userId: string; roleId: string; dateLastLogin: string };
      adminOAuthClient: { clientId: string; roleId: string };
      deletedUserWithGrants?: { userId: string; roleIds: string[] };
    };

    const users = await readTable('access_users', DAY);
    assert.equal(users.length, sdk.users.length);
    assert.ok(users.length >= 120);
    const byId = new Map(users.map((u) => [u.user_id as string, u]));
    for (const u of sdk.users) {
      const row = byId.get(u.id!);
      assert.ok(row, `user ${u.id} is in the snapshot`);
      assert.equal(row.state, u.state);
      assert.equal(row.division_id, u.division?.id ?? null);
      assert.equal(row.org_id, sim.orgId);
      assert.equal(row.snapshot_day, DAY);
    }
    const dormant = byId.get(truth.dormantAdmin.userId)!;
    assert.equal(
      new Date(`${String(dormant.date_last_login).replace(' ', 'T')}Z`).toISOString(),
      new Date(truth.dormantAdmin.dateLastLogin).toISOString(),
    );

    const roles = await readTable('access_roles', DAY);
    assert.deepEqual(roles.map((r) => r.role_id).sort(), sdk.roles.map((r) => r.id).sort());
    for (const r of sdk.roles) {
      const row = roles.find((x) => x.role_id === r.id)!;
      const expected = [
        ...new Set(
          (r.permissionPolicies ?? []).flatMap((p) =>
            (p.actionSet ?? []).map((a) => `${p.domain}:${p.entityName}:${a}`),
          ),
        ),
      ].sort();
      assert.deepEqual(row.permissions, expected, `permissions of role ${r.name}`);
      assert.match(String(row.permissions_hash), /^[0-9a-f]{64}$/);
    }

    const grants = await readTable('access_grants', DAY);
    const got = new Set(grants.map((g) => `${g.subject_id}|${g.role_id}|${g.division_id}`));
    assert.deepEqual([...got].sort(), [...sdk.grants].sort());
    const grant = (subject: string, role: string) => grants.some((g) => g.subject_id === subject && g.role_id === role);
    assert.ok(grant(truth.outOfBandGrant.userId, truth.outOfBandGrant.roleId), '(a) the out-of-band grant');
    assert.ok(grant(truth.dormantAdmin.userId, truth.dormantAdmin.roleId), '(b) the dormant admin’s role');
    assert.ok(
      grants.some(
        (g) =>
          g.subject_id === truth.adminOAuthClient.clientId &&
          g.role_id === truth.adminOAuthClient.roleId &&
          g.subject_type === 'oauth_client',
      ),
      '(c) the client-credentials client’s admin role',
    );
    if (truth.deletedUserWithGrants) {
      assert.equal(byId.get(truth.deletedUserWithGrants.userId)?.state, 'deleted');
      for (const roleId of truth.deletedUserWithGrants.roleIds)
        assert.ok(grant(truth.deletedUserWithGrants.userId, roleId), '(d) the deleted user’s grants');
    }

    const clients = await readTable('access_oauth_clients', DAY);
    assert.deepEqual(clients.map((c) => c.client_id).sort(), sdk.clients.map((c) => c.id).sort());
    const adminClient = clients.find((c) => c.client_id === truth.adminOAuthClient.clientId)!;
    assert.equal(adminClient.authorized_grant_type, 'CLIENT-CREDENTIALS');
    assert.ok((adminClient.role_ids as string[]).includes(truth.adminOAuthClient.roleId));

    const divisions = await readTable('access_divisions', DAY);
    assert.deepEqual(divisions.map((d) => d.division_id).sort(), sdk.divisions.map((d) => d.id).sort());
    assert.equal(divisions.filter((d) => d.home_division === true).length, 1);

    const coverage = await readTable('access_coverage', DAY);
    assert.deepEqual(coverage.map((c) => [c.table_name, c.readable, Number(c.row_count)]).sort(), [
      ['access_divisions', true, divisions.length],
      ['access_grants', true, grants.length],
      ['access_oauth_clients', true, clients.length],
      ['access_roles', true, roles.length],
      ['access_users', true, users.length],
    ]);
  });

  test('no user’s name or e-mail is in the snapshot: names are the same person# tokens as in the events', async () => {
    const sdk = await sdkState();
    const names = sdk.users.map((u) => u.name).filter((n): n is string => !!n && n.length >= 3);
    const emails = sdk.users.map((u) => u.email).filter((e): e is string => !!e);
    assert.ok(names.length > 100 && emails.length > 100, 'the source has names and e-mails to leak');
    const texts: string[] = [];
    for (const table of ACCESS_TABLES) {
      const res = await s3.send(
        new GetObjectCommand({ Bucket: config.s3.bucket, Key: accessPartKey(ORG, table, DAY) }),
      );
      texts.push(Buffer.from(await res.Body!.transformToByteArray()).toString('latin1'));
      texts.push(JSON.stringify(await readTable(table, DAY)));
    }
    const all = texts.join('\n').toLowerCase();
    const leaked = [...names, ...emails].filter((v) => all.includes(v.toLowerCase()));
    assert.deepEqual(leaked, []);
    const users = await readTable('access_users', DAY);
    assert.ok(users.every((u) => u.user_name === null || /^person#[0-9a-f]{8}:[0-9a-f]+$/.test(String(u.user_name))));
  });

  test('a second run for the day writes nothing and reads nothing from Genesys', async () => {
    const chain = new ManifestChain(lakeOf(config, s3), ORG);
    const entries = (await chain.listChainKeys()).length;
    const before = sim.stats().requests;
    const again = await snapshot(DAY, '-again');
    assert.equal(again.status, 'skipped');
    assert.equal((await chain.listChainKeys()).length, entries, 'no new chain entry');
    assert.deepEqual(
      (await chain.dayManifests(DAY)).map((m) => m.version),
      [1, 2],
    );
    assert.equal(sim.stats().requests - before, 0, 'no request to Genesys');
    for (const table of ACCESS_TABLES)
      assert.equal((await listKeys(s3, config.s3.bucket, partitionPrefix(ORG, table, DAY))).length, 1);
  });

  test('verify passes, and names a snapshot object replaced by a new version', async () => {
    const policy = { lockMode: config.lake.lockMode, retentionDays: config.lake.retentionDays };
    const opts = { lake: lakeOf(config, s3), org: ORG, from: DAY, to: DAY, policy };
    const clean = await verifyLake(opts);
    assert.deepEqual(clean.problems, [], JSON.stringify(clean.problems));
    const day = clean.days[0];
    assert.equal(day.objects.filter((o) => o.kind === 'access').length, ACCESS_TABLES.length);
    assert.deepEqual(day.versions, [1, 2]);

    const key = accessPartKey(ORG, 'access_grants', DAY);
    await s3.send(new PutObjectCommand({ Bucket: config.s3.bucket, Key: key, Body: Buffer.from('PAR1 forged') }));
    const tampered = await verifyLake(opts);
    assert.equal(tampered.ok, false);
    const o = tampered.days[0].objects.find((x) => x.key === key)!;
    assert.equal(o.status, 'modified');
    assert.ok(tampered.problems.some((p) => p.message.startsWith(`modified: ${key}`)));

    // An object planted in a snapshot partition is found too.
    const planted = `${partitionPrefix(ORG, 'access_users', DAY)}part-00001.parquet`;
    await s3.send(new PutObjectCommand({ Bucket: config.s3.bucket, Key: planted, Body: Buffer.from('PAR1 planted') }));
    const added = await verifyLake(opts);
    assert.ok(added.added.some((a) => a.key === planted));
  });
});

test('a client without oauth:client:view: access_oauth_clients is not readable, with no file', async () => {
  sim.setClientRoles('access-reviewer', [
    'directory:user:view',
    'authorization:role:view',
    'authorization:grant:view',
    'authorization:division:view',
  ]);
  try {
    const r = await snapshot(DAY_NO_OAUTH);
    assert.equal(r.status, 'written');
    if (r.status !== 'written') return;
    assert.deepEqual(r.notReadable, [{ table: 'access_oauth_clients', missingPermission: 'oauth:client:view' }]);
    assert.deepEqual(
      (await listKeys(s3, config.s3.bucket, partitionPrefix(ORG, 'access_oauth_clients', DAY_NO_OAUTH))).length,
      0,
      'no file for a table that could not be read (never an empty table)',
    );
    const coverage = await readTable('access_coverage', DAY_NO_OAUTH);
    const oauth = coverage.find((c) => c.table_name === 'access_oauth_clients')!;
    assert.equal(oauth.readable, false);
    assert.equal(oauth.missing_permission, 'oauth:client:view');
    assert.ok((await readTable('access_users', DAY_NO_OAUTH)).length >= 120, 'the readable tables are written');
    const grants = await readTable('access_grants', DAY_NO_OAUTH);
    assert.ok(grants.every((g) => g.subject_type !== 'oauth_client'));
  } finally {
    sim.setClientRoles('access-reviewer');
  }
});

test('a day that is not sealed gets no snapshot: the workflow fails with DayNotSealedError and writes nothing', async () => {
  await assert.rejects(snapshot(DAY_UNSEALED), (err: unknown) => {
    assert.ok(err instanceof WorkflowFailedError);
    let cause: unknown = err;
    while (cause instanceof Error && cause.cause) cause = cause.cause;
    assert.match(String((cause as Error).message), /is not sealed: collect the day first/);
    return true;
  });
  for (const table of ACCESS_TABLES)
    assert.equal((await listKeys(s3, config.s3.bucket, partitionPrefix(ORG, table, DAY_UNSEALED))).length, 0);
});
