/**
 * One quarantine policy on every path (src/transform/quarantine.ts): an oversized and a too-deep
 * event are quarantined the same way by the API collection (fetchAuditPage against the sandbox
 * org, and the API record of a rehydration) and by the stream ingest (a raw Firehose object in
 * MinIO): the cause as a stable type, the record masked, its text cut, its nesting cut, and no
 * planted email, phone or person name left in what is written.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createCollectActivities } from '../../src/activities/collect';
import { Config } from '../../src/config/config';
import { createAuditClient } from '../../src/genesys/audit-client';
import { ingestRawObject } from '../../src/ingest/ingest-object';
import { storeRehydrated } from '../../src/ingest/rehydrate-event';
import { streamEventQuarantineKey } from '../../src/ingest/ingest-keys';
import { quarantineKey } from '../../src/lake/keys';
import { createSigner } from '../../src/lake/signing';
import { listKeys } from '../../src/s3/list-objects';
import { startSimulator, Simulator } from '../../src/sim';
import type { AuditLogMessage } from '../../src/model/audit-log-message';
import { TransformContext, transformContext } from '../../src/transform/pipeline';
import { CUT_DEEPER, QUARANTINE_MAX_TEXT, QuarantinedRecord } from '../../src/transform/quarantine';
import { freshLake, sandboxEnv, testConfig } from '../harness/env';
import { apiRecords, leaksIn, PLANTED_EMAILS, PLANTED_PHONES, topicRecords } from '../transform/realistic-records';
import { lakeOf } from '../../src/s3/lake';

const ORG = 'quarantineco';
// Below the sandbox's bulk import audit (about 250k characters), so the API has an oversized event to give.
const MAX_EVENT_CHARS = 100_000;
const DAY = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);

let config: Config;
let s3: S3Client;
let sim: Simulator;
let transform: TransformContext;

before(async () => {
  const lake = await freshLake({ GCAUDIT_ORG: ORG });
  s3 = lake.s3;
  sim = await startSimulator({ seed: 'quarantine-paths', eventsPerDay: 40, rateLimitPerMinute: 100_000 });
  config = testConfig({ S3_BUCKET: lake.config.s3.bucket, GCAUDIT_ORG: ORG, ...sandboxEnv(sim) });
  transform = { ...transformContext(config.mask, config.genesys.region), maxEventChars: MAX_EVENT_CHARS };
});

after(async () => {
  await sim?.close();
  s3?.destroy();
});

const readJson = async <T>(key: string): Promise<T> =>
  JSON.parse(
    await (await s3.send(new GetObjectCommand({ Bucket: config.s3.bucket, Key: key }))).Body!.transformToString(),
  ) as T;

/** PII in every place a record holds it, repeated past the size limit. */
function oversized<T extends Record<string, unknown>>(record: T): T {
  // The phones the masker finds with the test config's countries (international forms, US national ones).
  const pii = [...PLANTED_EMAILS, ...PLANTED_PHONES.slice(0, 11)].join(' ');
  const values = Array.from({ length: Math.ceil((MAX_EVENT_CHARS * 2) / pii.length) }, () => pii);
  return { ...record, propertyChanges: [{ property: 'description', oldValues: [], newValues: values }] };
}

/** Nested past the masker's depth limit, with PII at the top and at the bottom. */
function tooDeep<T extends Record<string, unknown>>(record: T): T {
  let deep: unknown = { contact: PLANTED_EMAILS[0], phone: PLANTED_PHONES[0] };
  for (let i = 0; i < 200; i++) deep = { d: deep };
  return { ...record, context: { note: `call ${PLANTED_PHONES[1]}`, nested: deep } };
}

/** What the policy promises of every quarantined record, whichever path wrote it. */
function assertPolicy(q: QuarantinedRecord, type: 'too_large' | 'too_deep', where: string) {
  assert.equal(q.type, type, `${where}: type`);
  assert.match(q.reason, type === 'too_large' ? /over the limit of 100000/ : /nested deeper than 64 levels/, where);
  const text = JSON.stringify(q);
  assert.deepEqual(leaksIn(text), [], `${where}: no planted email or phone`);
  assert.doesNotMatch(text, /Jane Doe|jane doe/i, `${where}: no person name`);
  if (type === 'too_large') {
    const cut = q.record as { text: string; cutAt: number; length: number };
    assert.equal(cut.cutAt, QUARANTINE_MAX_TEXT, `${where}: text cut`);
    assert.equal(cut.text.length, QUARANTINE_MAX_TEXT);
    assert.ok(cut.length > MAX_EVENT_CHARS, `${where}: the whole length is kept`);
  } else {
    assert.ok(text.includes(CUT_DEEPER), `${where}: nesting cut`);
    assert.ok(text.includes(`call phone#`), `${where}: the kept part is there, masked`);
  }
}

test('the API collection quarantines the sandbox org’s oversized audit: typed, masked, cut', async () => {
  const acts = createCollectActivities({
    config,
    s3,
    genesys: createAuditClient(config, { requestsPerMinute: 100_000 }),
    transform,
    signer: createSigner(config.manifest.signingKey!),
  });
  const env = new MockActivityEnvironment();
  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A) =>
    env.run(fn, ...args) as Promise<R>;
  const submitted = await run(acts.submitAuditQuery, { interval: `${DAY}T00:00:00.000Z/${DAY}T23:59:59.999Z` });
  while ((await run(acts.auditQueryState, { transactionId: submitted.transactionId })).state !== 'Succeeded');
  const page = await run(acts.fetchAuditPage, {
    org: ORG,
    day: DAY,
    runId: 'run-1',
    window: 0,
    page: 0,
    transactionId: submitted.transactionId,
    cursor: null,
  });
  assert.equal(page.invalid, 1, 'the bulk import audit is over the limit');
  assert.equal(page.events, page.entities - 1, 'the rest of the page goes on');
  const [key] = await listKeys(s3, config.s3.bucket, `${ORG}/quarantine/api/${DAY}/`);
  const stored = await readJson<{ records: Array<QuarantinedRecord & { index: number }> }>(key);
  assert.equal(stored.records.length, 1);
  assertPolicy(stored.records[0], 'too_large', 'API page');
  assert.match(stored.records[0].eventId ?? '', /^[0-9a-f-]{36}$/);
  assert.ok(key.startsWith(quarantineKey(ORG, 'api', DAY).slice(0, -'.json'.length)));
});

test('an oversized and a too-deep record quarantine the same way from the API shape and from the stream', async () => {
  // API shape: the full record of a rehydration, through the same transform as a collected page.
  const [big, deep] = apiRecords(2).map((r, i) => (i === 0 ? oversized(r) : tooDeep(r)));
  const fromApi: QuarantinedRecord[] = [];
  for (const record of [big, deep]) {
    const eventId = record.id as string;
    const request = {
      eventId,
      eventTime: record.eventDate as string,
      eventTimeKnown: true,
      entityType: null,
      entityId: null,
      reason: 'truncated' as const,
    };
    const result = await storeRehydrated(
      { lake: lakeOf(config, s3), duckdb: config.duckdb, transform },
      ORG,
      request,
      record as unknown as AuditLogMessage,
      'related',
    );
    assert.ok('invalid' in result);
    fromApi.push(await readJson<QuarantinedRecord>(streamEventQuarantineKey(ORG, eventId)));
  }
  assertPolicy(fromApi[0], 'too_large', 'API record, oversized');
  assertPolicy(fromApi[1], 'too_deep', 'API record, too deep');

  // The stream: both in one raw Firehose object, as EventBridge envelopes.
  const [sBig, sDeep] = topicRecords(3)
    .slice(1)
    .map((r, i) => (i === 0 ? oversized(r) : tooDeep(r)));
  const envelope = (body: Record<string, unknown>) => ({
    version: '0',
    id: '9a1b2c3d-0000-4000-8000-000000000001',
    'detail-type': 'v2.audits.entitytype.{id}.entityid.{id}',
    source: 'aws.partner/genesys.com/cloud/org/quarantine-test',
    time: body.eventTime,
    detail: {
      topicName: `v2.audits.entitytype.OAuthClient.entityid.${(body.entity as { id: string }).id}`,
      version: '2',
      eventBody: body,
    },
  });
  const rawKey = `raw/2026/11/21/00/quarantine-test-1`;
  await s3.send(
    new PutObjectCommand({
      Bucket: config.s3.bucket,
      Key: rawKey,
      Body: gzipSync([sBig, sDeep].map((b) => JSON.stringify(envelope(b))).join('\n')),
    }),
  );
  const outcome = await ingestRawObject(
    { lake: lakeOf(config, s3), duckdb: config.duckdb, transform },
    { org: ORG, rawPrefix: 'raw/', key: rawKey },
  );
  assert.equal(outcome.quarantinedLines, 2);
  const stored = await readJson<{ samples: Array<QuarantinedRecord & { line: number }> }>(outcome.quarantineKey!);
  assert.deepEqual(
    stored.samples.map((s) => s.line),
    [1, 2],
  );
  assertPolicy(stored.samples[0], 'too_large', 'stream, oversized');
  assertPolicy(stored.samples[1], 'too_deep', 'stream, too deep');

  // The same way: same types, same reasons (the stream names the eventBody), same kind of record kept.
  for (const [api, stream] of [
    [fromApi[0], stored.samples[0]],
    [fromApi[1], stored.samples[1]],
  ] as const) {
    assert.equal(stream.type, api.type);
    const shape = (reason: string) =>
      reason
        .replace(/^eventBody: /, '')
        .replace(/[0-9a-f-]{36}/g, 'ID')
        .replace(/\d+ characters/, 'N characters');
    assert.equal(shape(stream.reason), shape(api.reason));
    assert.equal(typeof stream.record, typeof api.record);
  }
});
