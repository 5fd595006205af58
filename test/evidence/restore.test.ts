/**
 * The archive-restore workflow on the time-skipping test server, its activities against the
 * harness's MinIO through test/evidence/recorded-s3.ts: MinIO has no archive storage classes and
 * no RestoreObject, so the proxy answers those with recorded Amazon S3 responses (HeadObject with
 * x-amz-storage-class DEEP_ARCHIVE and x-amz-restore going from ongoing-request="true" to
 * ongoing-request="false", expiry-date=...; RestoreObject 202 then 409 RestoreAlreadyInProgress;
 * GetObject 403 InvalidObjectState before the restore) and passes everything else to MinIO.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { MockActivityEnvironment, TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createCheckActivities } from '../../src/activities/checks';
import { createEvidenceActivities } from '../../src/activities/evidence';
import { createRestoreActivities } from '../../src/activities/restore';
import { withTypedFailures } from '../../src/activities/typed-failures';
import { Config } from '../../src/config/config';
import { restoreExpiry, restoreState } from '../../src/evidence/archive-state';
import { verifyLake } from '../../src/evidence/verify';
import { createS3Client } from '../../src/s3/client';
import { archiveRestoreWorkflow } from '../../src/workflows';
import { timeSkippingServerPath, uniqueName, workflowBundle } from '../harness/env';
import { gcaudit } from '../harness/gcaudit';
import { RecordedS3, startRecordedS3 } from './recorded-s3';
import { sealedLake, SealedLake } from './sealed-lake';
import { lakeOf } from '../../src/s3/lake';

let lake: SealedLake;
let recorded: RecordedS3;
let config: Config;
let s3: S3Client;
let env: TestWorkflowEnvironment;

before(async () => {
  lake = await sealedLake({ org: 'arch', first: '2026-10-05', count: 3 });
  recorded = await startRecordedS3(process.env.S3_ENDPOINT!);
  config = { ...lake.config, s3: { ...lake.config.s3, endpoint: recorded.endpoint } };
  s3 = createS3Client(config);
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
  });
});

after(async () => {
  s3.destroy();
  lake.s3.destroy();
  await recorded.close();
  await env?.teardown();
});

async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueName('restore');
  const activities = withTypedFailures({
    ...createRestoreActivities({ config, s3 }),
    ...createEvidenceActivities({ config, s3, signer: lake.signer }),
    ...createCheckActivities({ config, s3 }),
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: workflowBundle(),
    activities,
  });
  return worker.runUntil(fn(taskQueue));
}

test('x-amz-restore as S3 sends it', () => {
  assert.equal(restoreState('STANDARD', undefined), 'not-archived');
  assert.equal(restoreState('GLACIER_IR', undefined), 'not-archived');
  assert.equal(restoreState('DEEP_ARCHIVE', undefined), 'archived');
  assert.equal(restoreState('GLACIER', 'ongoing-request="true"'), 'restoring');
  assert.equal(
    restoreState('DEEP_ARCHIVE', 'ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"'),
    'restored',
  );
  assert.equal(
    restoreExpiry('ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"'),
    '2012-12-21T00:00:00.000Z',
  );
});

test('archived parts: verify checks their lock but not their content; the workflow restores them, waits durably, then verifies', async () => {
  recorded.archive(`${lake.org}/audit_events/`, 'DEEP_ARCHIVE', { headsUntilRestored: 3 });
  const policy = { lockMode: 'GOVERNANCE' as const, retentionDays: 1 };
  const before = await verifyLake({
    lake: lakeOf(config, s3),
    org: lake.org,
    from: lake.days[0],
    to: lake.days[2],
    policy,
  });
  assert.equal(before.ok, true, JSON.stringify(before.problems));
  const parts = before.days.flatMap((d) => d.objects).filter((o) => o.kind === 'events');
  assert.equal(parts.length, 3);
  for (const p of parts) {
    assert.equal(p.status, 'archived');
    assert.equal(p.storageClass, 'DEEP_ARCHIVE');
    assert.equal(p.lockMode, 'GOVERNANCE');
  }
  assert.ok(before.warnings.some((w) => /3 objects are in an archive storage class/.test(w)));

  // One part's restore was already asked for (by an operator, or an earlier run): a 409 then, which is fine.
  const acts = createRestoreActivities({ config, s3 });
  const first = await new MockActivityEnvironment().run(acts.requestRestores, {
    parts: [{ key: parts[0].key, versionId: parts[0].versionId, storageClass: 'DEEP_ARCHIVE' }],
  });
  assert.deepEqual(first, { requested: 1, inProgress: 0, alreadyRestored: 0 });
  assert.ok(recorded.calls.includes(`POST restore ${config.s3.bucket}/${parts[0].key}`));

  const result = await withWorker((taskQueue) =>
    env.client.workflow.execute(archiveRestoreWorkflow, {
      taskQueue,
      workflowId: uniqueName('archive-restore'),
      args: [
        {
          org: lake.org,
          from: lake.days[0],
          to: lake.days[2],
          then: 'verify',
          pollInitialSeconds: 60,
          pollMaxSeconds: 1800,
          maxWaitHours: 48,
        },
      ],
    }),
  );
  assert.equal(result.parts, 3);
  assert.equal(result.archived, 3);
  assert.equal(result.requested, 2);
  assert.equal(result.inProgress, 1);
  assert.ok(result.polls >= 3, `polled ${result.polls} times`);
  assert.ok(result.waitedSeconds >= 60 + 120 + 240, `waited ${result.waitedSeconds} s of workflow time`);
  assert.ok(result.restoredUntil && Date.parse(result.restoredUntil) > Date.now());
  assert.equal(result.verify?.ok, true, JSON.stringify(result.verify));
  assert.equal(
    result.verify?.objectsOk,
    9,
    'every part read and hashed after the restore, with its manifest and pointer',
  );

  const restoreCalls = recorded.calls.filter((c) => c.startsWith('POST restore'));
  assert.equal(restoreCalls.length, 4, 'one by hand, three by the workflow (one of them answered 409)');
});

test('a restore that does not finish in time fails the workflow with RestoreTimeout, after durable waits', async () => {
  const never = await startRecordedS3(process.env.S3_ENDPOINT!);
  never.archive(`${lake.org}/audit_events/`, 'GLACIER', { headsUntilRestored: 1_000_000 });
  const slowConfig = { ...config, s3: { ...config.s3, endpoint: never.endpoint } };
  const slowS3 = createS3Client(slowConfig);
  try {
    const taskQueue = uniqueName('restore-timeout');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: workflowBundle(),
      activities: withTypedFailures({
        ...createRestoreActivities({ config: slowConfig, s3: slowS3 }),
        ...createEvidenceActivities({ config: slowConfig, s3: slowS3, signer: lake.signer }),
      }),
    });
    const err = await worker.runUntil(
      env.client.workflow
        .execute(archiveRestoreWorkflow, {
          taskQueue,
          workflowId: uniqueName('archive-restore'),
          args: [{ org: lake.org, from: lake.days[0], to: lake.days[0], then: 'none', maxWaitHours: 2 }],
        })
        .catch((e: unknown) => e),
    );
    const cause = (err as { cause?: { type?: string; message?: string } }).cause;
    assert.equal(cause?.type, 'RestoreTimeout');
    assert.match(cause?.message ?? '', /1 of 1 archived parts were not restored within 2 hours/);
  } finally {
    slowS3.destroy();
    await never.close();
  }
});

test('gcaudit restore refuses bad usage before anything starts (exit 2)', async () => {
  const bad = await gcaudit({}, 'restore', '--from', '2026-10-05', '--to', '2026-10-06', '--then', 'delete');
  assert.equal(bad.code, 2);
  // commander's choices(): the value and the allowed ones are named.
  assert.match(bad.stderr, /--then[^\n]*'delete' is invalid\. Allowed choices are checks, verify, export, none/);
  const noOut = await gcaudit({}, 'restore', '--from', '2026-10-05', '--to', '2026-10-06', '--then', 'export');
  assert.equal(noOut.code, 2);
  assert.match(noOut.stderr, /--then export needs --out DIR/);
});
