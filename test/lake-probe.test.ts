import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DeleteObjectCommand, GetObjectCommand, GetObjectRetentionCommand, S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../src/activities';
import { Config } from '../src/config/config';
import { temporalAddress } from '../src/temporal/connection';
import { createWorker } from '../src/worker/worker';
import { lakeProbeWorkflow } from '../src/workflows';
import { freshLake, uniqueName, workflowBundle } from './harness/env';

let config: Config;
let s3: S3Client;
let worker: Worker;
let running: Promise<void>;
let client: Client;
let nativeConnection: NativeConnection;
let connection: Connection;
const taskQueue = uniqueName('lake-probe');

before(async () => {
  ({ config, s3 } = await freshLake({ LAKE_RETENTION_DAYS: '1', LAKE_LOCK_MODE: 'COMPLIANCE' }));
  nativeConnection = await NativeConnection.connect({ address: temporalAddress(config) });
  worker = await createWorker({
    connection: nativeConnection,
    config,
    taskQueue,
    activities: createActivities({ config, s3 }),
    workflowBundle: workflowBundle(),
  });
  running = worker.run();
  connection = await Connection.connect({ address: temporalAddress(config) });
  client = new Client({ connection });
});

after(async () => {
  worker.shutdown();
  await running;
  await nativeConnection.close();
  await connection.close();
  s3.destroy();
});

test('a workflow writes a COMPLIANCE-locked, encrypted object that reads back and cannot be deleted', async () => {
  const probeId = uniqueName('probe');
  const result = await client.workflow.execute(lakeProbeWorkflow, {
    taskQueue,
    workflowId: `lake-probe/${probeId}`,
    args: [probeId],
  });
  assert.equal(result.key, `_system/probes/${probeId}.json`);
  assert.equal(result.lockMode, 'COMPLIANCE');
  assert.ok(result.versionId, 'the bucket is versioned, so the write has a version id');

  const obj = await s3.send(new GetObjectCommand({ Bucket: config.s3.bucket, Key: result.key, VersionId: result.versionId }));
  const body = JSON.parse(await obj.Body!.transformToString());
  assert.equal(body.probeId, probeId);
  assert.equal(obj.ServerSideEncryption, 'AES256');
  assert.equal(obj.ObjectLockMode, 'COMPLIANCE');

  const retention = await s3.send(
    new GetObjectRetentionCommand({ Bucket: config.s3.bucket, Key: result.key, VersionId: result.versionId }),
  );
  const until = retention.Retention!.RetainUntilDate!.getTime();
  assert.ok(Math.abs(until - (Date.now() + 86_400_000)) < 10 * 60_000, `retention ends about a day from now, got ${new Date(until).toISOString()}`);

  await assert.rejects(
    s3.send(new DeleteObjectCommand({ Bucket: config.s3.bucket, Key: result.key, VersionId: result.versionId })),
    (err: Error) => err.name === 'AccessDenied' || /locked|retention|WORM/i.test(err.message),
    'deleting a COMPLIANCE-locked version must be refused',
  );
  // The version is still there after the refused delete.
  const still = await s3.send(new GetObjectCommand({ Bucket: config.s3.bucket, Key: result.key, VersionId: result.versionId }));
  assert.equal(JSON.parse(await still.Body!.transformToString()).probeId, probeId);
});
