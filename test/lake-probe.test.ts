import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DeleteObjectCommand, GetObjectCommand, GetObjectRetentionCommand } from '@aws-sdk/client-s3';
import { lakeProbeWorkflow } from '../src/workflows';
import { freshLake, uniqueName } from './harness/env';
import { startTestWorkers, TestWorkers } from './harness/workers';

let t: TestWorkers;

before(async () => {
  const { config, s3 } = await freshLake({
    LAKE_RETENTION_DAYS: '1',
    LAKE_LOCK_MODE: 'COMPLIANCE',
    // The probe does not call Genesys; the client is built, never used.
    GENESYS_API_BASE: 'http://127.0.0.1:9',
    GENESYS_CLIENT_ID: 'unused',
    GENESYS_CLIENT_SECRET: 'unused',
  });
  s3.destroy();
  t = await startTestWorkers(config);
});

after(() => t.stop());

test('a workflow writes a COMPLIANCE-locked, encrypted object that reads back and cannot be deleted', async () => {
  const { config, s3 } = t.deps;
  const probeId = uniqueName('probe');
  const result = await t.client.workflow.execute(lakeProbeWorkflow, {
    taskQueue: t.queues.daily,
    workflowId: `lake-probe/${probeId}`,
    args: [probeId],
  });
  assert.equal(result.key, `_system/probes/${probeId}.json`);
  assert.equal(result.lockMode, 'COMPLIANCE');
  assert.ok(result.versionId, 'the bucket is versioned, so the write has a version id');

  const obj = await s3.send(
    new GetObjectCommand({ Bucket: config.s3.bucket, Key: result.key, VersionId: result.versionId }),
  );
  const body = JSON.parse(await obj.Body!.transformToString());
  assert.equal(body.probeId, probeId);
  assert.equal(obj.ServerSideEncryption, 'AES256');
  assert.equal(obj.ObjectLockMode, 'COMPLIANCE');

  const retention = await s3.send(
    new GetObjectRetentionCommand({ Bucket: config.s3.bucket, Key: result.key, VersionId: result.versionId }),
  );
  const until = retention.Retention!.RetainUntilDate!.getTime();
  assert.ok(
    Math.abs(until - (Date.now() + 86_400_000)) < 10 * 60_000,
    `retention ends about a day from now, got ${new Date(until).toISOString()}`,
  );

  await assert.rejects(
    s3.send(new DeleteObjectCommand({ Bucket: config.s3.bucket, Key: result.key, VersionId: result.versionId })),
    (err: Error) => err.name === 'AccessDenied' || /locked|retention|WORM/i.test(err.message),
    'deleting a COMPLIANCE-locked version must be refused',
  );
  // The version is still there after the refused delete.
  const still = await s3.send(
    new GetObjectCommand({ Bucket: config.s3.bucket, Key: result.key, VersionId: result.versionId }),
  );
  assert.equal(JSON.parse(await still.Body!.transformToString()).probeId, probeId);
});
