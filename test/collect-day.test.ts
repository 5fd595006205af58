import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Config } from '../src/config/config';
import { Secret } from '../src/config/secret';
import { createAuditClient } from '../src/genesys/audit-client';
import { startSimulator, Simulator } from '../src/sim';
import { collectDayWorkflow } from '../src/workflows';
import { collectProgressQuery } from '../src/workflows/collect-day';
import { freshLake, sandboxEnv } from './harness/env';
import { readDay } from './harness/lake';
import { startTestWorkers, TestWorkers } from './harness/workers';

let sim: Simulator;
let config: Config;
let t: TestWorkers;
const ORG = 'acme';

before(async () => {
  sim = await startSimulator({ seed: 'collect-day-test', eventsPerDay: 1200, rateLimitPerMinute: 100_000 });
  const lake = await freshLake({
    GCAUDIT_ORG: ORG,
    LAKE_RETENTION_DAYS: '1',
    ...sandboxEnv(sim),
    GENESYS_REQUESTS_PER_MINUTE: '6000',
    BACKFILL_REQUESTS_PER_MINUTE: '3000',
    GENESYS_ORG_REQUESTS_PER_MINUTE: '10000',
  });
  lake.s3.destroy();
  config = lake.config;
  t = await startTestWorkers(config);
});

after(async () => {
  await t.stop();
  await sim.close();
});

const collect = (day: string, suffix = '') =>
  t.client.workflow.execute(collectDayWorkflow, {
    taskQueue: t.queues.daily,
    workflowId: `collect-day/${ORG}/${day}${suffix}`,
    args: [{ org: ORG, day, lakeTaskQueue: t.queues.lake }],
  });

test('collect-day puts exactly the API’s events of the day in the lake, then changes nothing when run again', async () => {
  const day = '2026-11-18';
  const truth = sim.truth(day);
  assert.ok(truth.eventIds.length > 500, 'more than one page of events');

  const first = await collect(day);
  assert.equal(first.changed, true);
  assert.equal(first.version, 1);
  assert.equal(first.dayEvents, truth.eventIds.length);
  assert.ok(first.pages >= Math.ceil(truth.eventIds.length / 500));

  const lake = await readDay(t.deps.s3, config.s3.bucket, ORG, day);
  assert.deepEqual(lake.eventIds, [...truth.eventIds].sort(), 'every event of the day, no other');
  assert.equal(lake.duplicateRows, 0);
  for (const email of truth.pii.emails) assert.ok(!lake.text.includes(email), 'no planted email survives');

  const again = await collect(day);
  assert.equal(again.changed, false);
  assert.equal(again.manifestKey, first.manifestKey);
  assert.deepEqual((await readDay(t.deps.s3, config.s3.bucket, ORG, day)).keys, lake.keys);
});

test('late events arrive in a supplement; repeated pages and failed queries lose nothing', async () => {
  const day = '2026-11-17';
  sim.setFaults({ lateEventShare: 0.05, duplicateAcrossPagesShare: 0.5, failedQueryShare: 0 });
  try {
    // Seen from the morning after: the late events are not visible yet.
    const truth = sim.truth(day);
    assert.ok(truth.late.length > 0);
    const latest = truth.late
      .map((l) => l.visibleAt)
      .sort()
      .at(-1)!;
    sim.setNow(`${day}T23:59:59.000Z`);
    const early = await collect(day, '#early');
    const hidden = new Set(truth.late.filter((l) => l.visibleAt > `${day}T23:59:59.000Z`).map((l) => l.id));
    assert.ok(hidden.size > 0, 'some events are still hidden at the end of the day');
    assert.equal(early.dayEvents, truth.eventIds.length - hidden.size);

    sim.setNow(new Date(Date.parse(latest) + 60_000));
    const later = await collect(day, '#later');
    assert.equal(later.changed, true);
    assert.equal(later.version, 2);
    assert.equal(later.newEvents, hidden.size);
    const lake = await readDay(t.deps.s3, config.s3.bucket, ORG, day);
    assert.deepEqual(lake.eventIds, [...truth.eventIds].sort());
    assert.equal(lake.duplicateRows, 0);
    assert.ok(lake.keys.some((k) => /supplement-v0002/.test(k)));
  } finally {
    sim.setFaults({ lateEventShare: 0, duplicateAcrossPagesShare: 0 });
    sim.setNow(Date.now());
  }
});

test('a query that fails is split into smaller windows', async () => {
  const day = '2026-11-16';
  // Every query fails until the workflow has split its window once; then they succeed again.
  sim.setFaults({ failedQueryShare: 1 });
  try {
    const handle = await t.client.workflow.start(collectDayWorkflow, {
      taskQueue: t.queues.daily,
      workflowId: `collect-day/${ORG}/${day}`,
      args: [{ org: ORG, day, lakeTaskQueue: t.queues.lake }],
    });
    for (;;) {
      const progress = await handle.query(collectProgressQuery);
      if (progress.splits > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    sim.setFaults({ failedQueryShare: 0 });
    const summary = await handle.result();
    assert.ok(summary.splits > 0);
    const lake = await readDay(t.deps.s3, config.s3.bucket, ORG, day);
    assert.deepEqual(lake.eventIds, [...sim.truth(day).eventIds].sort());
    assert.equal(lake.duplicateRows, 0);
  } finally {
    sim.setFaults({ failedQueryShare: 0 });
  }
});

test('an error no retry can fix (refused credentials) fails the day on its first attempt', async () => {
  // The retry policies list no error types: the typed error's `retryable: false` decides.
  const refused = createAuditClient(
    { ...config, genesys: { ...config.genesys, clientSecret: new Secret('not-the-secret') } },
    { requestsPerMinute: 600 },
  );
  const bad = await startTestWorkers(config, { genesys: refused });
  try {
    const day = '2026-11-10';
    const workflowId = `collect-day/${ORG}/${day}-refused`;
    await assert.rejects(
      bad.client.workflow.execute(collectDayWorkflow, {
        taskQueue: bad.queues.daily,
        workflowId,
        args: [{ org: ORG, day, lakeTaskQueue: bad.queues.lake }],
      }),
      (err: unknown) => {
        assert.ok(err instanceof WorkflowFailedError);
        let cause: unknown = err.cause;
        while (cause && !(cause instanceof ApplicationFailure)) cause = (cause as { cause?: unknown }).cause;
        assert.ok(
          cause instanceof ApplicationFailure && cause.type === 'AuthError' && cause.nonRetryable,
          `an AuthError, got ${String(cause)}`,
        );
        return true;
      },
    );
    const { events } = await bad.client.workflow.getHandle(workflowId).fetchHistory();
    const attempts = (events ?? [])
      .filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => e.activityTaskStartedEventAttributes!.attempt);
    assert.deepEqual(attempts, [1], 'one activity attempt, no retry');
  } finally {
    await bad.stop();
  }
});
