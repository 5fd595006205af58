import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { applyDailySchedule, dailyScheduleId, dailyScheduleOptions } from '../src/client/schedule';
import { Config } from '../src/config/config';
import { addDays, collectionDay, dayOf } from '../src/days';
import { DailyCollectInput, dailyCollectWorkflow } from '../src/workflows/daily-collect';
import type { accessSnapshotWorkflow } from '../src/workflows/access-snapshot';
import { startSimulator, Simulator } from '../src/sim';
import { freshLake, sandboxEnv, uniqueName } from './harness/env';
import { readDay } from './harness/lake';
import { startTestWorkers, TestWorkers } from './harness/workers';

let sim: Simulator;
let t: TestWorkers;
let config: Config;
const org = uniqueName('daily');
const queue = uniqueName('dailyq');

before(async () => {
  sim = await startSimulator({ seed: 'daily-test', eventsPerDay: 700, rateLimitPerMinute: 100_000 });
  const lake = await freshLake({
    GCAUDIT_ORG: org,
    TEMPORAL_TASK_QUEUE: queue,
    LAKE_RETENTION_DAYS: '1',
    AUDIT_RETENTION_DAYS: '3',
    ...sandboxEnv(sim),
    GENESYS_REQUESTS_PER_MINUTE: '3000',
    BACKFILL_REQUESTS_PER_MINUTE: '3000',
    GENESYS_ORG_REQUESTS_PER_MINUTE: '6000',
  });
  lake.s3.destroy();
  config = lake.config;
  t = await startTestWorkers(config, {}, queue);
});

after(async () => {
  await t.client.schedule
    .getHandle(dailyScheduleId(org))
    .delete()
    .catch(() => undefined);
  await t.stop();
  await sim.close();
});

async function waitForCompletion(workflowId: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await t.client.workflow
      .getHandle(workflowId)
      .describe()
      .catch(() => undefined);
    if (d?.status.name === 'COMPLETED') return;
    if (d && d.status.name !== 'RUNNING') assert.fail(`${workflowId} ended ${d.status.name}`);
    if (Date.now() > deadline) assert.fail(`${workflowId} did not complete in time`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

test(
  'the daily schedule collects the previous UTC day and starts backfills for earlier unsealed days',
  { timeout: 300_000 },
  async () => {
    assert.equal(await applyDailySchedule(t.client, config), 'created');
    const handle = t.client.schedule.getHandle(dailyScheduleId(org));
    const described = await handle.describe();
    assert.equal(described.policies.overlap, ScheduleOverlapPolicy.BUFFER_ONE);
    assert.equal(described.policies.catchupWindow, 3 * 86_400_000);
    assert.deepEqual(
      described.spec.calendars?.map((c) => [c.hour, c.minute]),
      [[[{ start: 2, end: 2, step: 1 }], [{ start: 0, end: 0, step: 1 }]]],
    );

    // The day comes from the product's rule (DAILY_LAG_MINUTES after midnight), not the calendar:
    // between 00:00 and 02:00 UTC a run collects the day before yesterday.
    const due = Date.now();
    await handle.trigger();
    const today = dayOf(due);
    const day = collectionDay(due, config.collection.dailyLagMinutes);
    await waitForCompletion(`collect-day/${org}/${day}`);
    const lake = await readDay(t.deps.s3, config.s3.bucket, org, day);
    assert.deepEqual(lake.eventIds, [...sim.truth(day).eventIds].sort());

    // With a 3-day API retention, the earlier days it still serves are gaps: a backfill fills them
    // (after 02:00 UTC that is the day before yesterday; before it, there is none).
    const oldest = addDays(today, -2);
    const gap = addDays(day, -1);
    if (gap >= oldest) {
      await waitForCompletion(`backfill/${org}/${oldest}..${gap}`);
      const filled = await readDay(t.deps.s3, config.s3.bucket, org, gap);
      assert.deepEqual(filled.eventIds, [...sim.truth(gap).eventIds].sort());
    }
  },
);

test(
  'with the clock pinned at 00:30 UTC the daily run collects the day before yesterday',
  { timeout: 300_000 },
  async () => {
    const today = dayOf(Date.now());
    const dueMs = Date.parse(`${today}T00:30:00.000Z`);
    assert.equal(config.collection.dailyLagMinutes, 120);
    const args = dailyScheduleOptions(config).action.args as [DailyCollectInput];
    const result = await t.client.workflow.execute(dailyCollectWorkflow, {
      workflowId: uniqueName(`daily-pinned-${org}`),
      taskQueue: t.queues.daily,
      args: [{ ...args[0], dueMs }],
    });
    assert.equal(result.day, addDays(today, -2));
    assert.notEqual(result.collected, 'already running');
    // Its API-retention window starts at that very day: no earlier gap to backfill.
    assert.deepEqual(result.gapBackfills, []);
    const lake = await readDay(t.deps.s3, config.s3.bucket, org, result.day);
    assert.deepEqual(lake.eventIds, [...sim.truth(result.day).eventIds].sort());

    // Once the day is sealed, its access snapshot follows on the daily queue. The sandbox client
    // holds only audits:audit:view: every table is recorded as not readable, none as empty.
    assert.deepEqual(result.accessSnapshot, {
      workflowId: `access-snapshot/${org}/${result.day}`,
      started: true,
    });
    const snapshot = await t.client.workflow
      .getHandle<typeof accessSnapshotWorkflow>(result.accessSnapshot.workflowId)
      .result();
    assert.equal(snapshot.status, 'written');
    if (snapshot.status === 'written') {
      assert.deepEqual(
        snapshot.notReadable.map((n) => [n.table, n.missingPermission]),
        [
          ['access_users', 'directory:user:view'],
          ['access_roles', 'authorization:role:view'],
          ['access_grants', 'authorization:role:view'],
          ['access_oauth_clients', 'oauth:client:view'],
          ['access_divisions', 'authorization:division:view'],
        ],
      );
      assert.deepEqual(
        snapshot.objects.map((o) => o.table),
        ['access_coverage'],
      );
    }
  },
);
