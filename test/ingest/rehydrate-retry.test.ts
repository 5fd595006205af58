/**
 * The rehydrate workflow's long path, on Temporal's time-skipping test server: an event the API
 * does not return is retried with durable timers for REHYDRATE_MAX_HOURS, then becomes a
 * finding; one that turns up later is rehydrated. Only the activities are stand-ins here (the
 * real ones run in stream.test.ts); 24 hours pass in seconds.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { createRehydrateActivities, RehydrateAttempt } from '../../src/activities/rehydrate';
import type { RehydrationRequest } from '../../src/ingest/envelope';
import { rehydrateWorkflow } from '../../src/workflows';
import { timeSkippingServerPath, uniqueName, workflowBundle } from '../harness/env';

type Activities = ReturnType<typeof createRehydrateActivities>;

let env: TestWorkflowEnvironment;

before(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
  });
});

after(async () => {
  await env?.teardown();
});

const request: RehydrationRequest = {
  eventId: '128b506d-0a67-4e8c-a27c-fd3ed9566094',
  eventTime: '2026-11-20T09:49:25.000Z',
  eventTimeKnown: true,
  entityType: 'OAuthClient',
  entityId: '46a10c81-ca63-4bfe-bc9d-3fbf41ee06b5',
  reason: 'truncated',
};

async function run(answer: (attempt: number) => RehydrateAttempt) {
  const taskQueue = uniqueName('rehydrate');
  const attempts: number[] = [];
  const unresolved: Array<{ attempts: number; why: string }> = [];
  const activities: Activities = {
    async rehydrateEvent() {
      attempts.push(Date.now());
      return answer(attempts.length);
    },
    async recordUnresolvedEvent(input) {
      unresolved.push({ attempts: input.attempts, why: input.why });
      return { findingKey: 'acme/audit_findings/year=2026/month=11/day=20/unresolved_stream_event-x.parquet' };
    },
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: workflowBundle(),
    activities,
  });
  const started = Date.now();
  const result = await worker.runUntil(
    env.client.workflow.execute(rehydrateWorkflow, {
      taskQueue,
      workflowId: `rehydrate/acme/${request.eventId}`,
      args: [{ org: 'acme', request, maxHours: 24, lakeTaskQueue: taskQueue }],
    }),
  );
  return { result, attempts, unresolved, skippedMs: (await env.currentTimeMs()) - started };
}

test('an event the API never returns is retried for 24 hours with backoff, then becomes a finding', async () => {
  const { result, attempts, unresolved, skippedMs } = await run(() => ({
    status: 'not-found',
    via: 'related',
    requests: 1,
  }));
  assert.equal(result.status, 'unresolved');
  assert.equal(unresolved.length, 1, 'one finding');
  assert.match(unresolved[0].why, /realtime\/related/);
  assert.ok(skippedMs >= 24 * 3_600_000, `24 hours of workflow time passed (${skippedMs} ms)`);
  // 1, 2, 4 ... 32 minutes, then hourly: about 30 attempts, not thousands.
  assert.ok(result.attempts >= 25 && result.attempts <= 35, `${result.attempts} attempts`);
  assert.equal(attempts.length, result.attempts);
});

test('an event the API returns late is rehydrated at the attempt that finds it', async () => {
  const { result, unresolved } = await run((n) =>
    n < 4
      ? { status: 'not-found', via: 'query', requests: 3 }
      : { status: 'rehydrated', via: 'query', liveKey: 'k', rows: 2, requests: 3 },
  );
  assert.equal(result.status, 'rehydrated');
  assert.equal(result.attempts, 4);
  assert.equal(unresolved.length, 0);
});
