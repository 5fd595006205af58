/**
 * The sandbox org's configuration APIs (users, roles, grants, divisions, OAuth clients, the
 * org): the official SDK calls every endpoint and each answer is a valid SDK model; paging is
 * the SDK listings' (pageSize, pageNumber, total, pageCount, nextUri); every endpoint is gated
 * by its permission with Genesys' 403 body; the state follows the audit trail the simulator
 * serves; the four planted access anomalies are visible through the API.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as platformClient from 'purecloud-platform-client-v2';
import { ACCESS_REVIEW_PERMISSIONS, Simulator, startSimulator } from '../../src/sim';
import { NOW, addDays, call, token } from './helpers';
import { assertModel, modelErrors } from './sdk-models';

let sim: Simulator;
let tok: string;
const client = platformClient.ApiClient.instance;
const users = new platformClient.UsersApi();
const authorization = new platformClient.AuthorizationApi();
const oauth = new platformClient.OAuthApi();
const organization = new platformClient.OrganizationApi();
const today = NOW.slice(0, 10);
const HISTORY_DAYS = 6;
const endOf = (day: string) => new Date(Date.parse(`${addDays(day, 1)}T00:00:00.000Z`) - 1).toISOString();

before(async () => {
  sim = await startSimulator({
    seed: 'config-api',
    eventsPerDay: 200,
    rateLimitPerMinute: 100_000,
    clientRoles: 'access-reviewer',
    accessHistoryDays: HISTORY_DAYS,
  });
  sim.setNow(NOW);
  const port = Number(new URL(sim.baseUrl).port);
  client.setGateway({ host: '127.0.0.1', protocol: 'http', port, path_params_login: '', path_params_api: '' });
  await client.loginClientCredentialsGrant(sim.clientId, sim.clientSecret);
  tok = await token(sim);
});
after(() => sim.close());

/** Every user of a listing, walking nextUri as a client would. */
async function allUsers(query: string): Promise<{ entities: Array<Record<string, unknown>>; pages: number }> {
  const entities: Array<Record<string, unknown>> = [];
  let next: string | undefined = `/api/v2/users?${query}`;
  let pages = 0;
  while (next) {
    const r = await call(sim, tok, 'GET', next);
    assert.equal(r.status, 200, r.text);
    assertModel('UserEntityListing', r.body);
    entities.push(...r.body.entities);
    pages++;
    assert.equal(r.body.pageNumber, pages);
    next = r.body.nextUri;
  }
  return { entities, pages };
}

test('the validator refuses what the SDK models do not have', () => {
  assert.deepEqual(modelErrors('AuthzDivision', { id: 'x', description: 'd' }), []);
  assert.ok(modelErrors('AuthzDivision', { id: 'x' }).some((e) => e.includes('description: required')));
  assert.ok(modelErrors('AuthzDivision', { id: 5, description: 'd' }).length > 0);
  assert.ok(modelErrors('User', { id: 'x', version: 1, roles: [] }).some((e) => e.includes('not a field')));
  assert.ok(modelErrors('UserEntityListing', { entities: [{ id: 'x' }] }).some((e) => e.includes('version')));
});

test('the SDK reads every configuration endpoint; every answer is a valid SDK model', async () => {
  const page = await users.getUsers({
    pageSize: 100,
    expand: ['authorization', 'dateLastLogin', 'lasttokenissued'],
    state: 'any',
  });
  assertModel('UserEntityListing', page);
  assert.equal(page.pageSize, 100);
  assert.ok(page.total! > 100 && page.pageCount === Math.ceil(page.total! / 100));
  const u = page.entities!.find((e) => e.state === 'active')!;
  assert.ok(Array.isArray(u.authorization!.roles) && u.authorization!.roles.length > 0);
  assert.ok(u.authorization!.permissions!.every((p) => /^[^:]+:[^:]+:[^:]+$/.test(p)));
  assert.match(u.dateLastLogin!, /^\d{4}-\d\d-\d\dT/);
  assert.match(u.lastTokenIssued!.dateIssued!, /^\d{4}-\d\d-\d\dT/);

  const plain = await users.getUsers({ pageSize: 5 });
  assert.ok(plain.entities!.every((e) => e.authorization === undefined && e.dateLastLogin === undefined));
  assert.ok(
    plain.entities!.every((e) => e.state === 'active'),
    'state defaults to active',
  );

  const roles = await authorization.getAuthorizationRoles({ pageSize: 5 });
  assertModel('OrganizationRoleEntityListing', roles);
  assert.ok(roles.total! >= 11 && roles.pageCount === Math.ceil(roles.total! / 5));
  const role = roles.entities!.find((r) => r.name === 'Employee') ?? (await findRole('Employee'));
  assertModel('DomainOrganizationRole', await authorization.getAuthorizationRole(role.id!));
  assert.ok(role.permissionPolicies!.length > 0 && role.userCount! > 0);

  const grants = await authorization.getAuthorizationRoleSubjectgrants(role.id!, { pageSize: 50 });
  assertModel('SubjectDivisionGrantsEntityListing', grants);
  assert.equal(grants.total, role.userCount);
  const subject = await authorization.getAuthorizationSubject(grants.entities![0].id!);
  assertModel('AuthzSubject', subject);
  assert.ok(subject.grants!.some((g) => g.role!.id === role.id));

  const divisions = await authorization.getAuthorizationDivisions({ pageSize: 2 });
  assertModel('AuthzDivisionEntityListing', divisions);
  assert.equal(divisions.entities!.length, 2);
  assert.ok(divisions.nextUri);

  const clients = await oauth.getOauthClients();
  assertModel('OAuthClientEntityListing', clients);
  const types = new Set(clients.entities!.map((c) => c.authorizedGrantType));
  for (const t of ['CLIENT-CREDENTIALS', 'CODE', 'TOKEN', 'SAML2BEARER']) assert.ok(types.has(t), t);
  assert.ok(clients.entities!.some((c) => c.id === sim.clientId));

  const org = await organization.getOrganizationsMe();
  assertModel('Organization', org);
  assert.equal(org.id, sim.orgId);
});

async function findRole(name: string): Promise<platformClient.Models.DomainOrganizationRole> {
  const all = await authorization.getAuthorizationRoles({ pageSize: 500 });
  const r = all.entities!.find((x) => x.name === name);
  assert.ok(r, name);
  return r;
}

test('paging: nextUri walks every user once; pageSize over 500 is a 400; past the end is empty', async () => {
  const { entities, pages } = await allUsers('pageSize=40&state=any&expand=authorization');
  const first = await call(sim, tok, 'GET', '/api/v2/users?pageSize=40&state=any');
  assert.equal(entities.length, first.body.total);
  assert.equal(pages, first.body.pageCount);
  assert.ok(pages >= 3);
  assert.equal(new Set(entities.map((e) => e.id)).size, entities.length);
  assert.match(first.body.nextUri, /^\/api\/v2\/users\?.*pageNumber=2/);
  assert.match(first.body.nextUri, /state=any/);

  const tooBig = await call(sim, tok, 'GET', '/api/v2/users?pageSize=501');
  assert.equal(tooBig.status, 400);
  assertModel('ErrorBody', tooBig.body);
  const badState = await call(sim, tok, 'GET', '/api/v2/users?state=gone');
  assert.equal(badState.status, 400);
  const past = await call(sim, tok, 'GET', `/api/v2/users?pageSize=40&state=any&pageNumber=${pages + 1}`);
  assert.equal(past.status, 200);
  assert.deepEqual(past.body.entities, []);

  const deleted = await allUsers('pageSize=100&state=deleted');
  assert.ok(deleted.entities.length > 0 && deleted.entities.every((e) => e.state === 'deleted'));
  const inactive = await allUsers('state=inactive');
  assert.ok(inactive.entities.length > 0 && inactive.entities.every((e) => e.state === 'inactive'));
  const states = new Set(entities.map((e) => e.state));
  assert.deepEqual([...states].sort(), ['active', 'deleted', 'inactive']);
});

test('each endpoint needs its permission: Genesys 403 missing.permissions body; organizations/me needs none', async () => {
  const routes: Array<[string, string]> = [
    ['/api/v2/users', 'directory:user:view'],
    ['/api/v2/authorization/roles', 'authorization:role:view'],
    [`/api/v2/authorization/roles/ROLE/subjectgrants`, 'authorization:grant:view'],
    [`/api/v2/authorization/subjects/SUBJECT`, 'authorization:grant:view'],
    ['/api/v2/authorization/divisions', 'authorization:division:view'],
    ['/api/v2/oauth/clients', 'oauth:client:view'],
  ];
  const truth = sim.accessTruth();
  const fill = (p: string) =>
    p.replace('ROLE', truth.dormantAdmin.roleId).replace('SUBJECT', truth.dormantAdmin.userId);
  try {
    sim.setClientRoles('least-privilege');
    for (const [path, permission] of routes) {
      const r = await call(sim, tok, 'GET', fill(path));
      assert.equal(r.status, 403, path);
      assertModel('ErrorBody', r.body);
      assert.equal(r.body.code, 'missing.permissions');
      assert.equal(r.body.status, 403);
      assert.match(r.body.message, new RegExp(`missing the following permission\\(s\\): \\[${permission}\\]`));
      assert.match(r.body.contextId, /^[0-9a-f-]{36}$/);
    }
    assert.equal((await call(sim, tok, 'GET', '/api/v2/organizations/me')).status, 200);
    // The SDK rejects with the same body.
    const err = await users.getUsers().then(
      () => assert.fail('expected 403'),
      (e: { status?: number; code?: string }) => e,
    );
    assert.equal(err.status, 403);
    assert.equal(err.code, 'missing.permissions');

    // A reviewer without one permission: only that endpoint is refused.
    sim.setClientRoles(
      'access-reviewer',
      ACCESS_REVIEW_PERMISSIONS.filter((p) => p !== 'oauth:client:view'),
    );
    for (const [path, permission] of routes)
      assert.equal((await call(sim, tok, 'GET', fill(path))).status, permission === 'oauth:client:view' ? 403 : 200);
  } finally {
    sim.setClientRoles('access-reviewer');
  }
});

test('the state follows the audit trail: a day-D grant, deletion and permission change show from day D on', async () => {
  const epoch = sim.accessTruth().epochDay;
  assert.equal(epoch, addDays(today, -HISTORY_DAYS));
  type Found = { kind: 'grant' | 'delete'; day: string; check: (present: boolean) => Promise<void> };
  const found: Found[] = [];
  for (let d = 1; d < HISTORY_DAYS; d++) {
    const day = addDays(epoch, d);
    for (const e of sim.events(day)) {
      if (e.serviceName === 'PeoplePermissions' && e.entityType === 'Role' && e.action === 'MemberAdd') {
        const subjectId = e.propertyChanges![0].newValues![0];
        found.push({
          kind: 'grant',
          day,
          check: async (present) => {
            const r = await call(sim, tok, 'GET', `/api/v2/authorization/subjects/${subjectId}`);
            assert.equal(r.status, 200);
            const has = (r.body.grants as Array<{ role: { id: string } }>).some((g) => g.role.id === e.entity!.id);
            assert.equal(has, present, `grant of ${e.entity!.name} to ${subjectId} (${e.eventDate})`);
          },
        });
      }
      if (e.serviceName === 'SCIM' && e.action === 'Delete') {
        found.push({
          kind: 'delete',
          day,
          check: async (present) => {
            const all = await allUsers('pageSize=500&state=any');
            const u = all.entities.find((x) => x.id === e.entity!.id);
            assert.ok(u, 'a deleted account is listed before and after');
            assert.equal(u.state, present ? 'deleted' : 'active');
          },
        });
      }
    }
  }
  // One of each kind whose effect nothing else in its day undoes or anticipates.
  const checked = new Set<string>();
  for (const f of found) {
    if (checked.has(f.kind)) continue;
    try {
      sim.setNow(endOf(addDays(f.day, -1)));
      await f.check(false);
      sim.setNow(endOf(f.day));
      await f.check(true);
      checked.add(f.kind);
    } catch (err) {
      if (!(err instanceof assert.AssertionError) || !/grant of/.test(err.message)) throw err;
      // A grant revoked again (or held before) the same day: try the next one.
    } finally {
      sim.setNow(NOW);
    }
    if (checked.size === 2) break;
  }
  assert.deepEqual([...checked].sort(), ['delete', 'grant']);
});

test('the planted anomalies are visible through the API, with their ground truth', async () => {
  const truth = sim.accessTruth();
  const subject = async (id: string, t = tok) =>
    (await call(sim, t, 'GET', `/api/v2/authorization/subjects/${id}`)).body;

  // (a) the out-of-band grant: a minute after the first read (at NOW), so today's snapshot lacks
  // it and tomorrow's has it; no audit of the history names its grantee.
  assert.equal(truth.outOfBandGrant.grantedAt, new Date(Date.parse(NOW) + 60_000).toISOString());
  const held = (s: { grants: Array<{ role: { id: string } }> }) =>
    s.grants.some((g) => g.role.id === truth.outOfBandGrant.roleId);
  assert.equal(held(await subject(truth.outOfBandGrant.userId)), false);
  try {
    sim.setNow(`${addDays(today, 1)}T12:00:00.000Z`);
    // A day later the old token has expired (24 h).
    const tomorrow = await token(sim);
    assert.ok(held(await subject(truth.outOfBandGrant.userId, tomorrow)));
    const grants = await call(
      sim,
      tomorrow,
      'GET',
      `/api/v2/authorization/roles/${truth.outOfBandGrant.roleId}/subjectgrants?pageSize=500`,
    );
    assert.ok(grants.body.entities.some((e: { id: string }) => e.id === truth.outOfBandGrant.userId));
  } finally {
    sim.setNow(NOW);
    // Issuing tomorrow's token dropped the expired one.
    tok = await token(sim);
  }
  for (let d = 0; d <= HISTORY_DAYS + 1; d++)
    for (const e of sim.events(addDays(truth.epochDay, d)))
      assert.ok(!JSON.stringify(e).includes(truth.outOfBandGrant.userId), 'no audit names the out-of-band grantee');

  // (b) dormant for 120+ days, still an admin.
  const listed = await allUsers('pageSize=500&state=any&expand=authorization,dateLastLogin');
  const dormant = listed.entities.find((u) => u.id === truth.dormantAdmin.userId)!;
  assert.ok(Date.parse(NOW) - Date.parse(dormant.dateLastLogin as string) >= 120 * 86_400_000);
  const dormantRoles = (dormant.authorization as { roles: Array<{ id: string }> }).roles.map((r) => r.id);
  assert.ok(dormantRoles.includes(truth.dormantAdmin.roleId));
  assert.ok(truth.adminRoleIds.includes(truth.dormantAdmin.roleId));
  // Nobody else with an admin role is dormant.
  for (const u of listed.entities) {
    if (u.id === dormant.id || u.state !== 'active' || !u.dateLastLogin) continue;
    const roles = (u.authorization as { roles: Array<{ id: string }> }).roles;
    if (roles.some((r) => truth.adminRoleIds.includes(r.id)))
      assert.ok(Date.parse(NOW) - Date.parse(u.dateLastLogin as string) < 120 * 86_400_000, String(u.id));
  }

  // (c) the only client-credentials client holding an admin role (the collector is a reviewer here).
  const clients = (await call(sim, tok, 'GET', '/api/v2/oauth/clients')).body.entities as Array<{
    id: string;
    authorizedGrantType: string;
    roleDivisions: Array<{ roleId: string }>;
  }>;
  const adminClients = clients.filter(
    (c) =>
      c.authorizedGrantType === 'CLIENT-CREDENTIALS' &&
      c.roleDivisions.some((r) => truth.adminRoleIds.includes(r.roleId)),
  );
  assert.deepEqual(
    adminClients.map((c) => c.id),
    [truth.adminOAuthClient.clientId],
  );

  // (d) deleted by an audited event, grants kept; every other deleted account has none.
  const d = truth.deletedUserWithGrants!;
  assert.ok(d, 'the history deletes somebody');
  const deletion = sim.events(d.deletedAt.slice(0, 10)).find((e) => e.entity?.id === d.userId && e.action === 'Delete');
  assert.ok(deletion, 'the deletion is audited');
  const kept = await subject(d.userId);
  assert.deepEqual(kept.grants.map((g: { role: { id: string } }) => g.role.id).sort(), [...d.roleIds].sort());
  const deleted = listed.entities.filter((u) => u.state === 'deleted');
  assert.ok(deleted.length > 1);
  for (const u of deleted)
    if (u.id !== d.userId)
      assert.deepEqual((u.authorization as { roles: unknown[] }).roles, [], `${String(u.id)} keeps no grants`);
});

test('configuration requests count against the per-token rate limit', async () => {
  sim.setRateLimit(3);
  try {
    const fresh = await token(sim);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await call(sim, fresh, 'GET', '/api/v2/authorization/divisions')).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
  } finally {
    sim.setRateLimit(100_000);
  }
});

test('a 5,000-user org pages fully through the SDK', async () => {
  const big = await startSimulator({
    seed: 'config-api-large',
    eventsPerDay: 100,
    rateLimitPerMinute: 100_000,
    clientRoles: 'access-reviewer',
    orgUsers: 5000,
    accessHistoryDays: 2,
  });
  try {
    big.setNow(NOW);
    const port = Number(new URL(big.baseUrl).port);
    client.setGateway({ host: '127.0.0.1', protocol: 'http', port, path_params_login: '', path_params_api: '' });
    await client.loginClientCredentialsGrant(big.clientId, big.clientSecret);
    const ids = new Set<string>();
    let pageNumber = 1;
    let total = 0;
    for (;;) {
      const p = await users.getUsers({ pageSize: 500, pageNumber, state: 'any', expand: ['authorization'] });
      assertModel('UserEntityListing', p);
      total = p.total!;
      for (const u of p.entities!) ids.add(u.id!);
      if (!p.nextUri) break;
      pageNumber++;
    }
    assert.ok(total >= 5000);
    assert.equal(ids.size, total);
    assert.equal(pageNumber, Math.ceil(total / 500));
    assert.ok(big.stats().byRoute.users! >= pageNumber);
  } finally {
    await big.close();
    const port = Number(new URL(sim.baseUrl).port);
    client.setGateway({ host: '127.0.0.1', protocol: 'http', port, path_params_login: '', path_params_api: '' });
  }
});
