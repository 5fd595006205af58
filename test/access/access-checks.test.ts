import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isAccessCheck, loadChecks } from '../../src/checks/check-file';
import { renderContextFromConfig } from '../../src/checks/render';
import { CheckRun, runChecks } from '../../src/checks/runner';
import { addDays } from '../../src/days';
import { createQueryEngine } from '../../src/query/create-engine';
import { QueryEngine, rowObjects } from '../../src/query/engine';
import { uniqueName } from '../harness/env';
import { AccessLake, accessLake, D1, D2, SYSTEM_USER } from './access-lake';

let lake: AccessLake;
const engines: QueryEngine[] = [];
const accessChecks = loadChecks().filter(isAccessCheck);
const engineFor = (org: string) => {
  const e = createQueryEngine(lake.config, lake.s3, 'duckdb', org);
  engines.push(e);
  return e;
};
const day = (d: string) => ({ from: `${d}T00:00:00.000Z`, to: `${addDays(d, 1)}T00:00:00.000Z` });
const review = { from: `${D1}T00:00:00.000Z`, to: `${addDays(D2, 1)}T00:00:00.000Z` };
const byId = (runs: CheckRun[]) => new Map(runs.map((r) => [r.check.id, r]));

before(async () => {
  lake = await accessLake(uniqueName('acc'));
});

after(async () => {
  for (const e of engines) await e.close();
  lake?.s3.destroy();
});

async function reconciliation(org: string) {
  const r = await engineFor(org).query(
    `SELECT change, subject_type, subject_id, role_id, event_id, explained FROM access_reconciliation
     WHERE snapshot_day = '${D2}' ORDER BY change, subject_id, role_id`,
    { days: { from: D2, to: D2 } },
  );
  return rowObjects(r).map(
    (x) => `${x.change} ${x.subject_type} ${x.subject_id} ${x.role_id ?? '-'} ${x.event_id ?? '-'}`,
  );
}

test('reconciliation: each difference with the event that explains it; unmatched ones and missing effects stand out', async () => {
  assert.deepEqual(await reconciliation(lake.orgs.planted), [
    'event_effect_missing user u-erin r-agent p2-add-erin',
    'grant_added user u-alice r-admin -',
    'grant_added user u-dave r-admin p2-add-dave',
    'grant_removed user u-dave r-agent p2-rm-dave',
    'role_permissions_changed role r-sup r-sup p2-sup',
    'user_state_changed user u-erin - -',
  ]);
});

test('reconciliation: on a normal day every difference is explained', async () => {
  assert.deepEqual(await reconciliation(lake.orgs.normal), [
    'client_created oauth_client c-new - n2-new-client',
    'grant_added user u-dave r-agent n2-add-dave',
    'role_permissions_changed role r-sup r-sup n2-sup',
    'user_added user u-new - n2-new-user',
  ]);
});

test('reconciliation: a table the snapshot could not read yields no differences (unknown, not empty)', async () => {
  const rows = await reconciliation(lake.orgs.blind);
  assert.deepEqual(rows, []);
});

test('every access check is mapped to SOC 2, PCI DSS 4.0 7.2.4 and HIPAA 164.308(a)(4)', () => {
  assert.deepEqual(accessChecks.map((c) => c.id).sort(), [
    'access_change_unexplained',
    'admin_role_holders_changed',
    'client_credentials_admin',
    'dormant_user_with_roles',
    'grant_without_audit_event',
    'grants_of_inactive_users',
    'unused_oauth_client',
  ]);
  for (const c of accessChecks) {
    assert.ok(
      c.controls.SOC2.some((x) => /^CC6\.[123]$/.test(x)),
      c.id,
    );
    assert.ok(c.controls.PCI_DSS_4.includes('7.2.4'), c.id);
    assert.ok(
      c.controls.HIPAA.some((x) => x.startsWith('164.308(a)(4)') || x.startsWith('164.308(a)(3)')),
      c.id,
    );
  }
});

test('planted anomalies: each access check finds exactly its planted ones', async () => {
  const engine = engineFor(lake.orgs.planted);
  const ctx = renderContextFromConfig(lake.config);
  const runs = byId([
    ...(await runChecks(
      engine,
      accessChecks.filter((c) => c.id !== 'unused_oauth_client'),
      day(D2),
      ctx,
    )),
    ...(await runChecks(
      engine,
      accessChecks.filter((c) => c.id === 'unused_oauth_client'),
      review,
      ctx,
    )),
  ]);
  const keys = (id: string) => {
    const run = runs.get(id)!;
    assert.equal(run.status, 'evaluated', `${id}: ${run.notEvaluable.join('; ')}`);
    return run.findings.map((f) => f.key).sort();
  };
  assert.deepEqual(keys('grant_without_audit_event'), [
    `event_effect_missing:u-erin:r-agent:-@${D2}`,
    `grant_added:u-alice:r-admin:div-home@${D2}`,
  ]);
  assert.deepEqual(keys('admin_role_holders_changed'), [
    `grant_added:u-alice:r-admin:div-home@${D2}`,
    `grant_added:u-dave:r-admin:div-home@${D2}`,
  ]);
  const explained = runs.get('admin_role_holders_changed')!.findings.find((f) => f.key.includes('u-dave'))!;
  assert.deepEqual(explained.eventIds, ['p2-add-dave']);
  assert.match(explained.summary, /audit event p2-add-dave by u-admin/);
  assert.match(
    runs.get('admin_role_holders_changed')!.findings.find((f) => f.key.includes('u-alice'))!.summary,
    /no audit event/,
  );
  assert.deepEqual(keys('access_change_unexplained'), [`user_state_changed:u-erin@${D2}`]);
  assert.deepEqual(keys('dormant_user_with_roles'), [`u-bob@${D2}`], 'the system user is excluded');
  assert.deepEqual(keys('grants_of_inactive_users'), [`u-carol@${D2}`]);
  assert.deepEqual(keys('client_credentials_admin'), [`c-cc@${D2}`]);
  assert.deepEqual(keys('unused_oauth_client'), [`c-idle@${D2}`]);
  for (const f of runs.get('dormant_user_with_roles')!.findings) assert.notEqual(f.userId, SYSTEM_USER);
  assert.ok(runs.get('grants_of_inactive_users')!.findings[0].firstEventTime.startsWith(D2));
});

test('parameters apply: dormant_days above the dormancy silences the check', async () => {
  const ctx = { ...renderContextFromConfig(lake.config), overrides: { dormant_days: '200' } };
  const [run] = await runChecks(
    engineFor(lake.orgs.planted),
    accessChecks.filter((c) => c.id === 'dormant_user_with_roles'),
    day(D2),
    ctx,
  );
  assert.equal(run.status, 'evaluated');
  assert.deepEqual(run.findings, []);
});

test('normal day: every access check is evaluated and silent', async () => {
  const engine = engineFor(lake.orgs.normal);
  const ctx = renderContextFromConfig(lake.config);
  const runs = [
    ...(await runChecks(
      engine,
      accessChecks.filter((c) => c.id !== 'unused_oauth_client'),
      day(D2),
      ctx,
    )),
    ...(await runChecks(
      engine,
      accessChecks.filter((c) => c.id === 'unused_oauth_client'),
      review,
      ctx,
    )),
  ];
  assert.equal(runs.length, accessChecks.length);
  for (const run of runs) {
    assert.equal(run.status, 'evaluated', `${run.check.id}: ${run.notEvaluable.join('; ')}`);
    assert.deepEqual(run.findings, [], `${run.check.id} is silent`);
  }
});

test('a table the OAuth client could not read makes the checks that need it not evaluable, never a silent pass', async () => {
  const runs = byId(
    await runChecks(engineFor(lake.orgs.blind), accessChecks, day(D2), renderContextFromConfig(lake.config)),
  );
  for (const id of ['dormant_user_with_roles', 'grants_of_inactive_users', 'grant_without_audit_event']) {
    const run = runs.get(id)!;
    assert.equal(run.status, 'not_evaluable', id);
    assert.deepEqual(run.findings, []);
    assert.ok(
      run.notEvaluable.some((p) =>
        p.includes(`access_users was not readable in the snapshot of ${D2} (missing directory:user:view)`),
      ),
      `${id}: ${run.notEvaluable.join('; ')}`,
    );
  }
  const cc = runs.get('client_credentials_admin')!;
  assert.equal(cc.status, 'evaluated');
  assert.deepEqual(
    cc.findings.map((f) => f.key),
    [`c-cc@${D2}`],
  );
});

test('no snapshot in the window, or none before it to compare with: not evaluable', async () => {
  const engine = engineFor(lake.orgs.normal);
  const ctx = renderContextFromConfig(lake.config);
  const none = await runChecks(engine, accessChecks, day(addDays(D2, 3)), ctx);
  for (const run of none) {
    assert.equal(run.status, 'not_evaluable');
    assert.match(run.notEvaluable[0], /no access snapshot from/);
  }
  const [first] = await runChecks(
    engine,
    accessChecks.filter((c) => c.id === 'grant_without_audit_event'),
    day(D1),
    ctx,
  );
  assert.equal(first.status, 'not_evaluable');
  assert.match(first.notEvaluable[0], /to compare it with/);
});
