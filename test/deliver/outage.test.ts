/**
 * A HEC outage of hours, on Temporal's time-skipping test server with the real delivery
 * activities (MinIO, the HEC receiver): the workflow waits it out with durable timers and
 * backoff, then delivers every event once; an outage longer than SPLUNK_RETRY_MAX_HOURS fails
 * the day and loses nothing either (the next run delivers it). Hours pass in seconds.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createDeliverActivities, deliveryWorkflowId } from '../../src/activities/deliver';
import { withTypedFailures } from '../../src/activities/typed-failures';
import { readReceipts } from '../../src/delivery/ledger';
import { deliverWorkflow } from '../../src/workflows';
import { deliverSignal } from '../../src/workflows/deliver';
import { testConfig, timeSkippingServerPath, uniqueName, workflowBundle } from '../harness/env';
import { HecReceiver } from '../hec-server/server';
import { dayEvents, DeliveryLake, deliveryLake, sealDayWith } from './delivery-lake';
import { lakeOf } from '../../src/s3/lake';

const TOKEN = '11111111-2222-3333-4444-555555555555';
const org = 'outage';
let env: TestWorkflowEnvironment;
let receiver: HecReceiver;
let url: string;
let lake: DeliveryLake;

before(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
  });
  receiver = new HecReceiver({ [TOKEN]: { ack: true, indexes: ['gcaudit'] } });
  url = await receiver.start();
  lake = await deliveryLake(org);
});

after(async () => {
  await env?.teardown();
  await receiver?.stop();
  lake?.s3.destroy();
});

async function deliver(day: string, settings: Record<string, string>) {
  const config = testConfig({
    S3_BUCKET: lake.config.s3.bucket,
    GCAUDIT_ORG: org,
    LAKE_RETENTION_DAYS: '1',
    LAKE_LOCK_MODE: 'GOVERNANCE',
    SPLUNK_HEC_URL: url,
    SPLUNK_HEC_TOKEN: TOKEN,
    SPLUNK_INDEX: 'gcaudit',
    SPLUNK_BATCH_MAX_EVENTS: '100',
    ...settings,
  });
  const taskQueue = uniqueName('deliver');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: workflowBundle(),
    activities: withTypedFailures(createDeliverActivities({ config, s3: lake.s3 })),
  });
  const started = await env.currentTimeMs();
  const result = await worker.runUntil(async () => {
    const handle = await env.client.workflow.signalWithStart(deliverWorkflow, {
      workflowId: `${deliveryWorkflowId(org, 'splunk')}-${taskQueue}`,
      taskQueue,
      args: [{ org, sink: 'splunk', lakeTaskQueue: taskQueue }],
      signal: deliverSignal,
      signalArgs: [{ days: [day] }],
    });
    return handle.result();
  });
  return { result, hours: ((await env.currentTimeMs()) - started) / 3_600_000 };
}

test('a HEC outage of hours (503 server busy, then 502s) is waited out with durable timers: every event arrives once', async () => {
  const day = '2026-08-01';
  await sealDayWith(lake, day, dayEvents(day, 450));
  // Each attempt of the part's activity meets three answers (the first send and two quick retries),
  // with one request in flight (with N, each of the N requests meets its three).
  receiver.knobs.busy = 3 * 9;
  receiver.knobs.failNext = { count: 3 * 3, status: 502 };
  const { result, hours } = await deliver(day, { SPLUNK_REQUESTS_IN_FLIGHT: '1' });
  const rec = result.days.find((d) => d.day === day)!;
  assert.equal(rec.status, 'delivered', rec.error);
  assert.equal(rec.retries, 12, 'twelve durable waits');
  assert.ok(hours >= 3, `the outage lasted ${hours.toFixed(1)} hours of workflow time`);
  const counts = [...receiver.eventIdCounts('genesys:cloud:audit')].filter(([id]) => id.startsWith(day));
  assert.equal(counts.length, 450);
  assert.ok(
    counts.every(([, n]) => n === 1),
    'nothing lost, nothing twice',
  );
  const receipt = (await readReceipts(lakeOf(lake.config, lake.s3), org, 'splunk', day))[0].receipt;
  assert.equal(receipt.totals.resends, 0, 'refused batches are not counted as resends');
});

test('an outage longer than SPLUNK_RETRY_MAX_HOURS fails the day, loses nothing, and a later run delivers it', async () => {
  const day = '2026-08-02';
  await sealDayWith(lake, day, dayEvents(day, 150));
  receiver.knobs.down = true;
  const first = await deliver(day, { SPLUNK_RETRY_MAX_HOURS: '2' });
  const rec = first.result.days.find((d) => d.day === day)!;
  assert.equal(rec.status, 'failed');
  assert.match(rec.error!, /503.*Server is busy/);
  assert.ok(first.hours >= 2, `${first.hours.toFixed(1)} hours`);
  assert.equal([...receiver.eventIdCounts('genesys:cloud:audit')].filter(([id]) => id.startsWith(day)).length, 0);

  receiver.knobs.down = false;
  const second = await deliver(day, {});
  assert.equal(second.result.days.find((d) => d.day === day)!.status, 'delivered');
  const counts = [...receiver.eventIdCounts('genesys:cloud:audit')].filter(([id]) => id.startsWith(day));
  assert.equal(counts.length, 150);
  assert.ok(counts.every(([, n]) => n === 1));
});
