/**
 * The least-privilege self-check against the sandbox org: a client with only audits:audit:view
 * (the default) passes with one line; the same client given Genesys' admin role gets a loud
 * warning; an API that answers nothing is reported as a check that could not be made. The
 * official SDK reads the simulator's new authorization answers, so their wire shape is Genesys'.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as platformClient from 'purecloud-platform-client-v2';
import { loadConfig } from '../../src/config/config';
import { reportPrivileges } from '../../src/genesys/privilege-check';
import { Simulator, startSimulator } from '../../src/sim';
import { sandboxEnv } from '../harness/env';

let sim: Simulator;
const config = () => loadConfig({ ...process.env, ...sandboxEnv(sim) });

before(async () => {
  sim = await startSimulator({ seed: 'privilege-check', eventsPerDay: 50, rateLimitPerMinute: 100_000 });
});
after(() => sim.close());

test('a client with only audits:audit:view passes, and its refused self-inspection is named, not an error', async () => {
  const lines: string[] = [];
  const r = await reportPrivileges(config(), (l) => lines.push(l));
  assert.equal(r?.leastPrivilege, true);
  assert.equal(r?.checked, 'partial');
  assert.deepEqual(r?.permissions, ['audits:audit:view']);
  assert.deepEqual(
    r?.roles.map((x) => x.name),
    ['Audit Log Reader'],
  );
  assert.deepEqual(
    r?.unanswered.map((u) => [u.call.replace(/[0-9a-f-]{36}$/, 'ID'), u.status]),
    [
      [`GET /api/v2/oauth/clients/${sim.clientId}`, 403],
      ['GET /api/v2/authorization/roles/ID', 403],
    ],
  );
  assert.match(r!.unanswered[0].reason, /missing the following permission\(s\): \[oauth:client:view\]/);
  assert.equal(lines.length, 2);
  assert.match(
    lines[0],
    /^Genesys OAuth client gcaudit-sim-client: least privilege, roles Audit Log Reader with only audits:audit:view \(not allowed to read \/api\/v2\/oauth\/clients\/gcaudit-sim-client, .* as it should be\)$/,
  );
  // The access snapshot's optional permissions: none held, each named with the part it enables.
  assert.deepEqual(
    r?.optional.map((o) => [o.permission, o.held]),
    [
      ['directory:user:view', false],
      ['authorization:role:view', false],
      ['authorization:grant:view', false],
      ['authorization:division:view', false],
      ['oauth:client:view', false],
    ],
  );
  assert.match(
    lines[1],
    /^Access snapshot: no optional permission held; not readable without \(optional, read-only\): /,
  );
  assert.match(lines[1], /directory:user:view enables access_users/);
  assert.match(lines[1], /oauth:client:view enables access_oauth_clients/);
  assert.ok(!lines.join('\n').includes(sim.clientSecret), 'no secret in the output');
});

test('the same client with the admin role gets a loud warning naming the role and the excess permissions', async () => {
  sim.setClientRoles('admin');
  try {
    const lines: string[] = [];
    const r = await reportPrivileges(config(), (l) => lines.push(l));
    assert.equal(r?.leastPrivilege, false);
    assert.equal(r?.checked, 'complete', 'an admin may read its own client and roles');
    assert.deepEqual(r?.adminRoles, ['admin']);
    assert.deepEqual(r?.excess, ['*:*:*']);
    const text = lines.join('\n');
    assert.ok(lines.slice(0, -1).every((l) => l.startsWith('WARNING')));
    assert.match(lines.at(-1)!, /^Access snapshot: reads with directory:user:view, authorization:role:view, /);
    assert.ok(
      r?.optional.every((o) => o.held === true),
      'the admin wildcard holds every optional permission',
    );
    assert.match(text, /Genesys OAuth client gcaudit-sim-client holds MORE than audits:audit:view/);
    assert.match(text, /admin roles: admin/);
    assert.match(text, /permissions beyond audits:audit:view: \*:\*:\*/);
  } finally {
    sim.setClientRoles('least-privilege');
  }
});

test('when the API answers nothing, the report says the check could not be made', async () => {
  sim.setFaults({ rate429Share: 1 });
  try {
    const lines: string[] = [];
    const r = await reportPrivileges(config(), (l) => lines.push(l));
    assert.equal(r?.leastPrivilege, null);
    assert.equal(r?.checked, 'unknown');
    assert.match(
      lines[0],
      /^WARNING: could not check what Genesys OAuth client gcaudit-sim-client may do: GET \/api\/v2\/tokens\/me HTTP 429/,
    );
    assert.match(lines[1], /make sure it holds only audits:audit:view/);
  } finally {
    sim.setFaults({ rate429Share: 0 });
  }
});

test('the official SDK reads token info, subject grants, and the 403 for the client, as from Genesys', async () => {
  const client = platformClient.ApiClient.instance;
  client.setGateway({
    host: '127.0.0.1',
    protocol: 'http',
    port: Number(new URL(sim.baseUrl).port),
    path_params_login: '',
    path_params_api: '',
  });
  await client.loginClientCredentialsGrant(sim.clientId, sim.clientSecret);
  const me = await new platformClient.TokensApi().getTokensMe();
  assert.equal(me.OAuthClient?.id, sim.clientId);
  assert.equal(me.organization?.id, sim.orgId);
  const subject = await new platformClient.AuthorizationApi().getAuthorizationSubjectsMe();
  assert.deepEqual(
    subject.grants?.map((g) => [
      g.role?.name,
      g.role?.policies?.[0]?.domain,
      g.role?.policies?.[0]?.entityName,
      g.role?.policies?.[0]?.actions,
    ]),
    [['Audit Log Reader', 'audits', 'audit', ['view']]],
  );
  await assert.rejects(
    new platformClient.OAuthApi().getOauthClient(sim.clientId),
    (err: { status?: number; code?: string }) => err.status === 403 && err.code === 'missing.permissions',
  );
});
