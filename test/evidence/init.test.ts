/**
 * gcaudit init against real MinIO for what MinIO supports (versioning, default Object Lock
 * retention, lifecycle expiry), and against recorded Amazon S3 responses for what it lacks: a
 * lifecycle transition to an archive storage class needs a remote tier in MinIO, so that part
 * runs through test/evidence/recorded-s3.ts (a proxy to MinIO answering lifecycle calls as S3 does;
 * the responses are transcribed from the S3 API reference, see fixtures/s3-archive-responses.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateBucketCommand,
  HeadObjectCommand,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describeRetention } from '../../src/evidence/init';
import { createS3Client } from '../../src/s3/client';
import { testConfig, uniqueName } from '../harness/env';
import { gcaudit } from '../harness/gcaudit';
import { RecordedS3, startRecordedS3 } from './recorded-s3';

let s3: S3Client;
let recorded: RecordedS3;
let viaRecorded: S3Client;
const ORG = 'acme';

before(async () => {
  s3 = createS3Client(testConfig());
  recorded = await startRecordedS3(process.env.S3_ENDPOINT!);
  viaRecorded = createS3Client(testConfig({ S3_ENDPOINT: recorded.endpoint }));
});

after(async () => {
  s3.destroy();
  viaRecorded.destroy();
  await recorded.close();
});

test('init creates and configures the bucket on MinIO: versioning, default retention, expiry and _staging/ cleanup', async () => {
  const bucket = uniqueName('init-lake');
  const env = {
    S3_BUCKET: bucket,
    GCAUDIT_ORG: ORG,
    LAKE_BUCKET_DEFAULT_RETENTION: 'true',
    LAKE_LOCK_MODE: 'GOVERNANCE',
    LAKE_RETENTION_DAYS: '3',
    LAKE_EXPIRE_AFTER_DAYS: '10',
    LAKE_ARCHIVE_AFTER_DAYS: '0',
  };
  const r = await gcaudit(env, 'init');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`lake bucket ${bucket} \\(created\\)`));
  assert.match(r.stdout, /default retention GOVERNANCE 3 days/);
  assert.match(r.stdout, /gcaudit-acme-expire on acme\/: expire after 10 days/);
  assert.match(r.stdout, /gcaudit-staging on _staging\/: expire after 7 days/);

  const read = await describeRetention(s3, bucket);
  assert.equal(read.versioning, 'Enabled');
  assert.equal(read.objectLock, 'Enabled');
  assert.deepEqual(read.defaultRetention, { mode: 'GOVERNANCE', days: 3 });
  const rules = new Map(read.lifecycle.map((x) => [x.ID, x]));
  assert.equal(rules.get('gcaudit-acme-expire')?.Expiration?.Days, 10);
  assert.equal(rules.get('gcaudit-staging')?.Filter?.Prefix, '_staging/');
  assert.equal(rules.get('gcaudit-staging')?.Expiration?.Days, 7);
  assert.equal(rules.has('gcaudit-acme-archive'), false, 'no transition with LAKE_ARCHIVE_AFTER_DAYS=0');

  // The default retention is real: an object written without any lock gets one.
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: 'acme/other/x.json', Body: '{}', ChecksumAlgorithm: 'SHA256' }),
  );
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'acme/other/x.json' }));
  assert.equal(head.ObjectLockMode, 'GOVERNANCE');
  assert.ok(head.ObjectLockRetainUntilDate!.getTime() > Date.now() + 2.9 * 86_400_000);

  // Running it again is harmless and gives the same configuration.
  const again = await gcaudit(env, 'init', '--json');
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout).applied.defaultRetention, { mode: 'GOVERNANCE', days: 3 });
});

test('an expiry before the Object Lock ends is refused (exit 2) and nothing is applied', async () => {
  const bucket = uniqueName('init-refused');
  const r = await gcaudit(
    { S3_BUCKET: bucket, LAKE_RETENTION_DAYS: '30', LAKE_EXPIRE_AFTER_DAYS: '20', LAKE_ARCHIVE_AFTER_DAYS: '0' },
    'init',
  );
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /LAKE_EXPIRE_AFTER_DAYS \(20\) is before the Object Lock retention ends \(LAKE_RETENTION_DAYS 30\)/,
  );
  const arch = await gcaudit(
    { S3_BUCKET: bucket, LAKE_RETENTION_DAYS: '30', LAKE_ARCHIVE_AFTER_DAYS: '40', LAKE_EXPIRE_AFTER_DAYS: '40' },
    'init',
  );
  assert.equal(arch.code, 2);
  assert.match(arch.stderr, /LAKE_ARCHIVE_AFTER_DAYS \(40\) must be before LAKE_EXPIRE_AFTER_DAYS \(40\)/);
  await assert.rejects(
    describeRetention(s3, bucket),
    /NoSuchBucket|NotFound|does not exist/i,
    'the bucket was not created',
  );
});

test('MinIO without a remote tier refuses a transition; init says how to go on', async () => {
  const bucket = uniqueName('init-tier');
  const r = await gcaudit(
    {
      S3_BUCKET: bucket,
      LAKE_RETENTION_DAYS: '400',
      LAKE_ARCHIVE_AFTER_DAYS: '90',
      LAKE_ARCHIVE_STORAGE_CLASS: 'DEEP_ARCHIVE',
    },
    'init',
  );
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(
    r.stderr,
    /LAKE_ARCHIVE_STORAGE_CLASS: the S3 endpoint refused a transition to DEEP_ARCHIVE .*set LAKE_ARCHIVE_AFTER_DAYS=0/s,
  );
});

test('on S3 (recorded responses) init writes the archive transition of event parts and keeps rules it does not own', async () => {
  const bucket = uniqueName('init-aws');
  await viaRecorded.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  await viaRecorded.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: bucket,
      LifecycleConfiguration: {
        Rules: [{ ID: 'team-logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 } }],
      },
    }),
  );
  const env = {
    S3_ENDPOINT: recorded.endpoint,
    S3_BUCKET: bucket,
    GCAUDIT_ORG: ORG,
    LAKE_RETENTION_DAYS: '2557',
    LAKE_ARCHIVE_AFTER_DAYS: '90',
    LAKE_ARCHIVE_STORAGE_CLASS: 'DEEP_ARCHIVE',
  };
  const r = await gcaudit(env, 'init');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /gcaudit-acme-archive on acme\/audit_events\/: to DEEP_ARCHIVE after 90 days/);
  assert.match(r.stdout, /Object Lock {7}Enabled; default retention COMPLIANCE 2557 days/);
  assert.match(r.stdout, /objects written {3}COMPLIANCE for 2557 days \(explicit on every lake object\)/);
  assert.match(r.stdout, /note: event parts in DEEP_ARCHIVE must be restored before/);

  const xml = recorded.lifecycleXml(bucket)!;
  assert.match(xml, /<ID>team-logs<\/ID>/, 'a rule gcaudit does not own is kept');
  const rule = (id: string) => xml.split('<Rule>').find((r) => r.includes(`<ID>${id}</ID>`)) ?? '';
  assert.ok(rule('gcaudit-acme-archive').includes('<Filter><Prefix>acme/audit_events/</Prefix></Filter>'));
  assert.ok(
    rule('gcaudit-acme-archive').includes(
      '<Transition><Days>90</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>',
    ),
  );
  assert.ok(rule('gcaudit-acme-expire').includes('<Expiration><Days>2557</Days></Expiration>'));
  assert.ok(rule('gcaudit-acme-expire').includes('<Filter><Prefix>acme/</Prefix></Filter>'));
  const read = await describeRetention(viaRecorded, bucket);
  assert.deepEqual(read.lifecycle.map((x) => x.ID).sort(), [
    'gcaudit-acme-archive',
    'gcaudit-acme-expire',
    'gcaudit-staging',
    'team-logs',
  ]);
  assert.equal(
    read.lifecycle.find((x) => x.ID === 'gcaudit-acme-archive')?.Transitions?.[0]?.StorageClass,
    'DEEP_ARCHIVE',
  );
});
