import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isAccessCheck, loadChecks } from '../../src/checks/check-file';
import { runAndRecordChecks } from '../../src/checks/run-and-record';
import { renderContextFromConfig } from '../../src/checks/render';
import { runChecks } from '../../src/checks/runner';
import { addDays } from '../../src/days';
import { createQueryEngine } from '../../src/query/create-engine';
import { QueryEngine, rowObjects } from '../../src/query/engine';
import { ANOMALY_KINDS } from '../../src/sim';
import { runChecksWorkflow } from '../../src/workflows';
import { CheckLake, checkLake } from './lake-fixture';
import { lakeOf } from '../../src/s3/lake';

let lake: CheckLake;
let engine: QueryEngine;
// The event checks (the access snapshot checks have their own tests in test/access).
const checks = loadChecks().filter((c) => !isAccessCheck(c));
const dayWindow = (day: string) => ({ from: `${day}T00:00:00.000Z`, to: `${addDays(day, 1)}T00:00:00.000Z` });

before(async () => {
  lake = await checkLake({ seed: 'checks-test', org: 'acme-checks' });
  await lake.collect(lake.anomalyDay);
  await lake.collect(lake.normalDay);
  engine = createQueryEngine(lake.config, lake.workers.deps.s3);
});

after(async () => {
  await engine?.close();
  await lake?.stop();
});

test('there is a check for every planted anomaly kind, each mapped to SOC 2, PCI DSS 4.0 and HIPAA', () => {
  assert.ok(checks.length >= 12);
  assert.deepEqual(new Set(checks.map((c) => c.tests.firesOn)), new Set(ANOMALY_KINDS));
  for (const c of checks)
    for (const f of ['SOC2', 'PCI_DSS_4', 'HIPAA'] as const) assert.ok(c.controls[f].length > 0, `${c.id} ${f}`);
});

test('on the all-anomalies day every check finds exactly its planted events', async () => {
  const truth = lake.sim.truth(lake.anomalyDay);
  assert.equal(truth.dayKind, 'all-anomalies');
  const runs = await runChecks(engine, checks, dayWindow(lake.anomalyDay), renderContextFromConfig(lake.config));
  for (const run of runs) {
    const planted = truth.anomalies.filter((a) => a.kind === run.check.tests.firesOn);
    assert.ok(planted.length > 0, `${run.check.id}: the day has its anomaly`);
    const found = run.findings.flatMap((f) => f.eventIds).sort();
    assert.deepEqual(
      found,
      planted.flatMap((a) => a.eventIds).sort(),
      `${run.check.id} finds exactly the planted events`,
    );
    assert.ok(
      run.findings.every((f) => f.severity === run.check.severity && f.window.from === dayWindow(lake.anomalyDay).from),
    );
    assert.ok(run.stats.filesRead! > 0);
  }
});

test('on a normal day every check stays silent', async () => {
  assert.equal(lake.sim.truth(lake.normalDay).dayKind, 'normal');
  const runs = await runChecks(engine, checks, dayWindow(lake.normalDay), renderContextFromConfig(lake.config));
  for (const run of runs) assert.deepEqual(run.findings, [], `${run.check.id} is silent`);
});

test('system users are excluded by configuration: without the exclusion their routine work is flagged', async () => {
  const window = dayWindow(lake.normalDay);
  const systemIds = lake.sim.truth(lake.normalDay).systemUserIds;
  const subject = checks.filter((c) => ['recording_deletion_spike', 'after_hours_admin'].includes(c.id));
  const ctx = renderContextFromConfig(lake.config);
  // Not excluded (no ids configured, SYSTEM rows counted): the retention policy's nightly
  // deletions and the platform's token clean-up look like anomalies.
  const naive = await runChecks(engine, subject, window, { ...ctx, systemUserIds: [], includeSystemLevel: true });
  const flaggedUsers = new Set(naive.flatMap((r) => r.findings.map((f) => f.userId)));
  assert.ok(
    [...flaggedUsers].some((u) => u !== null && systemIds.includes(u)),
    'system users are flagged without the exclusion',
  );
  // Excluded by the configured ids alone (SYSTEM rows still counted): silent.
  const byIds = await runChecks(engine, subject, window, {
    ...ctx,
    systemUserIds: systemIds,
    includeSystemLevel: true,
  });
  for (const run of byIds) assert.deepEqual(run.findings, [], `${run.check.id} with CHECKS_SYSTEM_USER_IDS`);
});

test('a window parameter re-checks any period: before the planted events, silent; around them, found; parameters override', async () => {
  const truth = lake.sim.truth(lake.anomalyDay);
  const burst = truth.anomalies.find((a) => a.kind === 'oauth_client_burst')!;
  const check = checks.filter((c) => c.id === 'oauth_client_burst');
  const ctx = renderContextFromConfig(lake.config);
  const early = await runChecks(engine, check, { from: `${lake.anomalyDay}T00:00:00.000Z`, to: burst.from }, ctx);
  assert.equal(early[0].findings.length, 0);
  const around = await runChecks(
    engine,
    check,
    {
      from: new Date(Date.parse(burst.from) - 60_000).toISOString(),
      to: new Date(Date.parse(burst.to) + 60_000).toISOString(),
    },
    ctx,
  );
  assert.deepEqual(around[0].findings.flatMap((f) => f.eventIds).sort(), [...burst.eventIds].sort());
  // Two days at once (the normal day before and the anomaly day).
  const both = await runChecks(
    engine,
    check,
    { from: `${lake.normalDay}T00:00:00.000Z`, to: `${addDays(lake.anomalyDay, 1)}T00:00:00.000Z` },
    ctx,
  );
  assert.deepEqual(both[0].findings.flatMap((f) => f.eventIds).sort(), [...burst.eventIds].sort());
  // A stricter threshold than the burst holds: silent.
  const strict = await runChecks(engine, check, dayWindow(lake.anomalyDay), {
    ...ctx,
    overrides: { min_count: String(burst.eventIds.length + 1) },
  });
  assert.equal(strict[0].findings.length, 0);
  // The admin grant is inside an authorized window when the window says so.
  const grant = truth.anomalies.find((a) => a.kind === 'admin_role_outside_window')!;
  const t = new Date(grant.from);
  const wd = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][t.getUTCDay()];
  const h = String(t.getUTCHours()).padStart(2, '0');
  const admin = checks.filter((c) => c.id === 'admin_role_outside_window');
  const allowed = await runChecks(engine, admin, dayWindow(lake.anomalyDay), {
    ...ctx,
    settings: { ...ctx.settings, CHECKS_CHANGE_WINDOWS: `Sat 01:00-03:00; ${wd} ${h}:00-${h}:59` },
  });
  assert.equal(allowed[0].findings.length, 0);
});

test('after sealing, the day’s checks ran on their own and wrote findings to the lake; a re-run adds nothing', async () => {
  const handle = lake.workers.client.workflow.getHandle<typeof runChecksWorkflow>(
    `run-checks/${lake.org}/${lake.anomalyDay}/v1`,
  );
  const summary = await handle.result();
  // The access checks ran too: with no access snapshot in the lake they are not evaluable.
  const access = summary.checks.filter((c) => !checks.some((e) => e.id === c.id));
  assert.equal(summary.checks.length - access.length, checks.length);
  assert.ok(access.length > 0 && access.every((c) => c.status === 'not_evaluable' && c.findings === 0));
  summary.checks = summary.checks.filter((c) => checks.some((e) => e.id === c.id));
  assert.ok(
    summary.checks.every((c) => c.findings > 0),
    'every check found its anomaly',
  );
  assert.equal(summary.findingKeys.length, checks.length, 'one findings object per check');
  // Normal day: checks ran, nothing found, nothing written.
  const normal = await lake.workers.client.workflow
    .getHandle<typeof runChecksWorkflow>(`run-checks/${lake.org}/${lake.normalDay}/v1`)
    .result();
  assert.equal(normal.findings, 0);
  assert.deepEqual(normal.findingKeys, []);

  const again = await runAndRecordChecks(
    { config: lake.config, lake: lakeOf(lake.config, lake.workers.deps.s3), engine },
    { org: lake.org, window: dayWindow(lake.anomalyDay), runAt: new Date().toISOString() },
  );
  assert.deepEqual(
    again.stored.map((s) => s.key).sort(),
    [...summary.findingKeys].sort(),
    'same results, same objects',
  );
  assert.ok(
    again.stored.every((s) => !s.written),
    'nothing written again',
  );

  const findings = await engine.query(
    `SELECT check_id, count(*) AS n, sum(event_count) AS events FROM audit_findings GROUP BY check_id ORDER BY check_id`,
    { days: { from: lake.anomalyDay, to: lake.anomalyDay } },
  );
  const rows = rowObjects(findings);
  assert.equal(rows.length, checks.length);
  for (const r of rows) {
    const c = summary.checks.find((x) => x.id === r.check_id)!;
    assert.equal(Number(r.n), c.findings, `${r.check_id}: its findings once, no duplicates`);
    assert.equal(Number(r.events), c.events);
  }

  // The CLI path (a workflow started by hand) over the same window stores nothing new either.
  const manual = await lake.workers.client.workflow.execute(runChecksWorkflow, {
    taskQueue: lake.workers.queues.daily,
    workflowId: `run-checks/${lake.org}/manual-test`,
    args: [
      {
        org: lake.org,
        ...dayWindow(lake.anomalyDay),
        lakeTaskQueue: lake.workers.queues.lake,
        checkIds: ['oauth_client_burst'],
      },
    ],
  });
  assert.equal(manual.findings, 1);
});
