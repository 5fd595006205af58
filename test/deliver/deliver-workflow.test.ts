/**
 * The deliver/<org>/<sink> workflow on the harness's Temporal and MinIO, against the HEC
 * receiver: a day and its findings arrive one for one and are receipted in the ledger; a
 * repeated run sends nothing; the after-seal checks request the delivery only when a sink is
 * configured; a refused token fails the day naming its cause and nowhere holds the token; a
 * worker killed mid-delivery resumes without resending acknowledged batches.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { deliveryWorkflowId } from '../../src/activities/deliver';
import { readPartLedger, readReceipts } from '../../src/delivery/ledger';
import { dayDeliveryState } from '../../src/delivery/day-state';
import { verifyLake } from '../../src/evidence/verify';
import { ManifestChain } from '../../src/lake/manifest-chain';
import { PROJECT_ROOT } from '../../src/paths';
import { deliverWorkflow, runChecksWorkflow } from '../../src/workflows';
import { deliverSignal, DeliveryProgress, deliveryProgressQuery } from '../../src/workflows/deliver';
import { testConfig, uniqueName } from '../harness/env';
import { readDay } from '../harness/lake';
import { startTestWorkers, TestWorkers } from '../harness/workers';
import { HecReceiver } from '../hec-server/server';
import { dayEvents, DeliveryLake, deliveryLake, sealDayWith, storeDayFindings } from './delivery-lake';
import { lakeOf } from '../../src/s3/lake';

const TOKEN = '11111111-2222-3333-4444-555555555555';
const org = 'wforg';
let receiver: HecReceiver;
let url: string;
let lake: DeliveryLake;

before(async () => {
  receiver = new HecReceiver({ [TOKEN]: { ack: true, indexes: ['gcaudit'] } });
  url = await receiver.start();
  lake = await deliveryLake(org);
});
after(async () => {
  await receiver.stop();
  lake.s3.destroy();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    S3_BUCKET: lake.config.s3.bucket,
    GCAUDIT_ORG: org,
    LAKE_RETENTION_DAYS: '1',
    LAKE_LOCK_MODE: 'GOVERNANCE',
    SPLUNK_HEC_URL: url,
    SPLUNK_HEC_TOKEN: TOKEN,
    SPLUNK_INDEX: 'gcaudit',
    SPLUNK_BATCH_MAX_EVENTS: '100',
    // Delivery does not call Genesys; the client is built, never used.
    GENESYS_API_BASE: 'http://127.0.0.1:9',
    GENESYS_CLIENT_ID: 'unused',
    GENESYS_CLIENT_SECRET: 'unused',
    ...extra,
  };
}

async function requestDays(w: TestWorkers, days: string[]) {
  return w.client.workflow.signalWithStart(deliverWorkflow, {
    workflowId: deliveryWorkflowId(org, 'splunk'),
    taskQueue: w.queues.daily,
    args: [{ org, sink: 'splunk', lakeTaskQueue: w.queues.lake }],
    signal: deliverSignal,
    signalArgs: [{ days }],
  });
}

async function settled(w: TestWorkers, days: string[], o = org, timeoutMs = 240_000): Promise<DeliveryProgress> {
  const handle = w.client.workflow.getHandle(deliveryWorkflowId(o, 'splunk'));
  const until = Date.now() + timeoutMs;
  for (;;) {
    const p = await handle.query(deliveryProgressQuery, days);
    if (p.state === 'done') return p;
    if (Date.now() > until) throw new Error(`not settled: ${JSON.stringify(p.days)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function endDelivery(w: TestWorkers, o = org) {
  await w.client.workflow
    .getHandle(deliveryWorkflowId(o, 'splunk'))
    .terminate('test done')
    .catch((e: unknown) => {
      if (!(e instanceof WorkflowNotFoundError)) throw e;
    });
}

test('a sealed day and its findings arrive one for one, with their controls; the receipt chains to the manifest; a repeated run sends nothing', async () => {
  const day = '2026-09-01';
  await sealDayWith(lake, day, dayEvents(day, 1234));
  const { check } = await storeDayFindings(lake, day, 3);
  const w = await startTestWorkers(testConfig(env()));
  try {
    await requestDays(w, [day]);
    const p = await settled(w, [day]);
    assert.equal(p.days[0].status, 'delivered', p.days[0].error);
    assert.equal(p.days[0].events, 1234);
    assert.equal(p.days[0].findings, 3);

    const lakeIds = (await readDay(lake.s3, lake.config.s3.bucket, org, day)).eventIds;
    const events = [...receiver.eventIdCounts('genesys:cloud:audit')].filter(([id]) => id.startsWith(day));
    assert.deepEqual(events.map(([id]) => id).sort(), lakeIds, "the receiver's events are the lake's events");
    assert.ok(
      events.every(([, n]) => n === 1),
      'each once',
    );

    const findings = receiver.events.filter(
      (e) => e.sourcetype === 'gcaudit:finding' && String(e.fields?.finding_id).startsWith(check.id),
    );
    assert.equal(findings.length, 3);
    for (const f of findings) {
      const body = f.event as Record<string, unknown>;
      assert.deepEqual(body.controls, check.controls);
      assert.equal(body.severity, check.severity);
      assert.equal(body.title, check.title);
      assert.equal(f.fields?.check_id, check.id);
    }

    const pointer = (await new ManifestChain(lakeOf(lake.config, lake.s3), org).dayPointers(day)).at(-1)!;
    const receipts = await readReceipts(lakeOf(lake.config, lake.s3), org, 'splunk', day);
    assert.equal(receipts.length, 1);
    const r = receipts[0].receipt;
    assert.equal(r.manifest.sha256, pointer.sha256);
    assert.equal(r.previous, null);
    assert.equal(r.totals.events, 1234);
    assert.equal(r.totals.findings, 3);
    assert.equal(r.totals.resends, 0);
    assert.equal(r.target.url, url);
    assert.ok(
      r.parts.every(
        (part) => part.manifestSha256 === pointer.sha256 && part.records.length >= 2 && part.ack === 'indexer',
      ),
    );
    assert.ok(!JSON.stringify(r).includes(TOKEN));

    const requests = receiver.stats.accepted;
    await requestDays(w, [day]);
    await new Promise((r) => setTimeout(r, 500));
    const again = await settled(w, [day]);
    assert.equal(again.days[0].status, 'delivered');
    assert.equal(receiver.stats.accepted, requests, 'a delivered day sends nothing');
    assert.equal((await readReceipts(lakeOf(lake.config, lake.s3), org, 'splunk', day)).length, 1);

    assert.equal((await dayDeliveryState(lakeOf(w.deps.config, lake.s3), org, 'splunk', day)).state, 'delivered');
    const report = await verifyLake({
      lake: lakeOf(lake.config, lake.s3),
      org,
      from: day,
      to: day,
      policy: { lockMode: 'GOVERNANCE', retentionDays: 1 },
    });
    assert.ok(report.ok, JSON.stringify(report.problems));
  } finally {
    await endDelivery(w);
    await w.stop();
  }
});

test('the checks after a seal request the delivery when a sink is configured, and only then', async () => {
  // An org of its own: no delivery workflow of the other tests exists for it.
  const hook = { ...lake, org: 'hookorg' };
  const day = '2026-09-02';
  await sealDayWith(hook, day, dayEvents(day, 50));
  const window = { from: `${day}T00:00:00.000Z`, to: '2026-09-03T00:00:00.000Z' };

  const none = await startTestWorkers(testConfig(env({ SPLUNK_HEC_URL: '', SPLUNK_HEC_TOKEN: '' })));
  try {
    await none.client.workflow.execute(runChecksWorkflow, {
      workflowId: uniqueName('run-checks'),
      taskQueue: none.queues.daily,
      args: [{ org: hook.org, ...window, lakeTaskQueue: none.queues.lake, trigger: 'after-seal' }],
    });
    await assert.rejects(
      none.client.workflow.getHandle(deliveryWorkflowId(hook.org, 'splunk')).describe(),
      WorkflowNotFoundError,
    );
  } finally {
    await none.stop();
  }

  const w = await startTestWorkers(testConfig(env()));
  try {
    await w.client.workflow.execute(runChecksWorkflow, {
      workflowId: uniqueName('run-checks'),
      taskQueue: w.queues.daily,
      args: [{ org: hook.org, ...window, lakeTaskQueue: w.queues.lake, trigger: 'after-seal' }],
    });
    const p = await settled(w, [day], hook.org);
    assert.equal(p.days[0].status, 'delivered', p.days[0].error);
    assert.equal(p.days[0].events, 50);
    assert.equal(receiver.eventIdCounts('genesys:cloud:audit').get(`${day}-ev-000049`), 1);
  } finally {
    await endDelivery(w, hook.org);
    await w.stop();
  }
});

test('a refused token fails the day with its cause (HEC code 4); the token is in no error and no history', async () => {
  const day = '2026-09-03';
  await sealDayWith(lake, day, dayEvents(day, 20));
  const secret = 'abad7oke-0000-4000-8000-00000000beef';
  const w = await startTestWorkers(testConfig(env({ SPLUNK_HEC_TOKEN: secret })));
  try {
    const handle = await requestDays(w, [day]);
    const p = await settled(w, [day]);
    assert.equal(p.days[0].status, 'failed');
    assert.match(p.days[0].error!, /Invalid token/);
    assert.match(p.days[0].error!, /code 4/);
    assert.equal(p.days[0].retries, 0, 'not retried');
    const history = JSON.stringify(await handle.fetchHistory());
    assert.ok(!history.includes(secret), 'the token is not in the workflow history');
    assert.ok(!JSON.stringify(p).includes(secret));
  } finally {
    await endDelivery(w);
    await w.stop();
  }
});

test('a worker killed mid-delivery resumes from the ledger without resending acknowledged batches', async () => {
  const day = '2026-09-04';
  const count = 3000;
  await sealDayWith(lake, day, dayEvents(day, count));
  const overrides = env({ SPLUNK_BATCH_MAX_EVENTS: '20' });
  const base = uniqueName('tq');
  receiver.knobs.delayMs = 25;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'test/deliver/worker-process.ts')],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...overrides, TEST_TASK_QUEUE: base },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise((r) => child.once('exit', r));
  let w: TestWorkers | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.once('exit', () => reject(new Error('worker process exited')));
    });
    const starting = receiver.stats.accepted;
    const client = (await startTestWorkers(testConfig(overrides), {}, uniqueName('idle'))) as TestWorkers;
    await client.client.workflow.signalWithStart(deliverWorkflow, {
      workflowId: deliveryWorkflowId(org, 'splunk'),
      taskQueue: base,
      args: [{ org, sink: 'splunk', lakeTaskQueue: `${base}-lake` }],
      signal: deliverSignal,
      signalArgs: [{ days: [day] }],
    });
    while (receiver.stats.accepted - starting < 40) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await exited;
    await client.stop();
    receiver.knobs.delayMs = 0;

    const ledgerDeps = lakeOf(lake.config, lake.s3);
    const parts = (await new ManifestChain(ledgerDeps, org).dayManifests(day))[0].objects;
    assert.equal(parts.length, 1);
    const atKill = await readPartLedger(ledgerDeps, org, 'splunk', day, parts[0].key);
    assert.ok(
      atKill.acked.size > 0 && atKill.acked.size < count / 20,
      `killed mid-delivery (${atKill.acked.size} batches acknowledged)`,
    );

    w = await startTestWorkers(testConfig(overrides), {}, base);
    const p = await settled(w, [day]);
    assert.equal(p.days[0].status, 'delivered', p.days[0].error);

    const counts = new Map([...receiver.eventIdCounts('genesys:cloud:audit')].filter(([id]) => id.startsWith(day)));
    assert.equal(counts.size, count, 'every event arrived');
    const offset = (id: string) => Number(id.slice(-6));
    for (const b of atKill.acked.values()) {
      for (let n = b.from; n < b.to; n++)
        assert.equal(
          counts.get(`${day}-ev-${String(n).padStart(6, '0')}`),
          1,
          `batch ${b.index}, acknowledged before the kill, was not sent again`,
        );
    }
    const final = await readPartLedger(ledgerDeps, org, 'splunk', day, parts[0].key);
    const resent = [...final.acked.values()].filter((b) => b.sends > 1);
    const duplicated = new Set([...counts].filter(([, n]) => n > 1).map(([id]) => Math.floor(offset(id) / 20)));
    for (const i of duplicated)
      assert.ok(
        resent.some((b) => b.index === i),
        `batch ${i} arrived twice and the ledger counts it as resent`,
      );
    const receipt = (await readReceipts(ledgerDeps, org, 'splunk', day)).at(-1)!.receipt;
    assert.equal(receipt.totals.resends, resent.length);
    assert.equal(receipt.totals.events, count);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    receiver.knobs.delayMs = 0;
    if (w) {
      await endDelivery(w);
      await w.stop();
    }
  }
});
