/**
 * The stream end to end on the real stack (Temporal dev server, MinIO, real workers, the
 * sandbox org's Firehose writing gzip NDJSON to raw/): truncated, incomplete and unparsable
 * events end up complete in the lake through rehydration, never-delivered ones through the
 * sealed day; the day's manifest reconciles the stream with the API; an object delivered twice
 * gives one row set; poison objects are quarantined and the rest flows.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { WorkflowHandle } from '@temporalio/client';
import { Config } from '../../src/config/config';
import { Secret } from '../../src/config/secret';
import { MAX_DECODED_BYTES } from '../../src/ingest/decode';
import { listKeys } from '../../src/s3/list-objects';
import { ingestOutcomesPrefix, streamIdsKey } from '../../src/ingest/ingest-keys';
import { putLockedJson } from '../../src/ingest/locked-json';
import { reconcileDay } from '../../src/ingest/reconcile';
import { storeUnresolved } from '../../src/ingest/rehydrate-event';
import type { IngestOutcome } from '../../src/ingest/ingest-object';
import type { CompletenessAttestation } from '../../src/lake/completeness';
import type { Reconciliation } from '../../src/ingest/reconcile';
import { createQueryEngine } from '../../src/query/create-engine';
import { rowObjects } from '../../src/query/engine';
import { startSimulator, Simulator, StreamShares } from '../../src/sim';
import { collectDayWorkflow, ingestWorkflow, rehydrateWorkflow } from '../../src/workflows';
import { ingestStatusQuery, IngestStatus, pokeSignal } from '../../src/workflows/ingest';
import { freshLake } from '../harness/env';
import { readDay } from '../harness/lake';
import { startTestWorkers, TestWorkers } from '../harness/workers';
import { lakeOf } from '../../src/s3/lake';

const ORG = 'streamco';
// Today is the sandbox's real date; the realtime API covers the last 14 days.
const RECENT = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
const UNSEALED = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const OLD = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
const SHARES: Partial<StreamShares> = {
  neverDeliveredShare: 0.01,
  unparsableShare: 0.01,
  truncatedShare: 0.01,
  missingFieldsShare: 0.01,
};

let sim: Simulator;
let config: Config;
let s3: S3Client;
let t: TestWorkers;
let ingest: WorkflowHandle<typeof ingestWorkflow>;
let rawObjects = 0;

before(async () => {
  const lake = await freshLake({ GCAUDIT_ORG: ORG, LAKE_RETENTION_DAYS: '1' });
  s3 = lake.s3;
  sim = await startSimulator({
    seed: 'ingest-test',
    eventsPerDay: 1200,
    rateLimitPerMinute: 100_000,
    firehose: { s3, bucket: lake.config.s3.bucket, prefix: 'raw/', bufferMs: 900_000 },
  });
  config = {
    ...lake.config,
    genesys: {
      ...lake.config.genesys,
      apiBase: sim.baseUrl,
      loginBase: sim.loginUrl,
      clientId: sim.clientId,
      clientSecret: new Secret(sim.clientSecret),
      requestsPerMinute: 6000,
      backfillRequestsPerMinute: 3000,
      orgRequestsPerMinute: 10_000,
    },
  };
  t = await startTestWorkers(config);
  // Older day first: Firehose keys are in delivery order, and so is the ingest.
  for (const day of [OLD, RECENT]) rawObjects += (await sim.firehose!.flush({ day }, SHARES)).objects.length;
  ingest = await t.client.workflow.start(ingestWorkflow, {
    // Workflows run on the daily queue; the ingest's activities go to the lake queue.
    taskQueue: t.queues.daily,
    workflowId: `ingest/${ORG}`,
    args: [
      {
        org: ORG,
        rawPrefix: 'raw/',
        pollSeconds: 1,
        graceMinutes: 60,
        rehydrateMaxHours: 24,
        apiTaskQueue: t.queues.daily,
        lakeTaskQueue: t.queues.lake,
      },
    ],
  });
});

after(async () => {
  await ingest?.terminate().catch(() => undefined);
  await t?.stop();
  await sim?.close();
  s3?.destroy();
});

async function waitForObjects(n: number): Promise<IngestStatus> {
  for (let i = 0; ; i++) {
    const status = await ingest.query(ingestStatusQuery);
    if (status.objects + status.failedObjects >= n && status.phase === 'waiting') return status;
    if (i > 1200) throw new Error(`ingest stuck: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits for the rehydrate workflows of these events; all must have been started. */
async function rehydrated(ids: string[]) {
  return Promise.all(
    ids.map((id) => t.client.workflow.getHandle<typeof rehydrateWorkflow>(`rehydrate/${ORG}/${id}`).result()),
  );
}

const needing = (day: string) => {
  const s = sim.truth(day).stream!;
  return [...s.truncated, ...s.unparsable];
};
const streamed = (day: string) => {
  const s = sim.truth(day).stream!;
  return [...s.delivered, ...s.truncated, ...s.unparsable].sort();
};

test('truncated, incomplete and unparsable stream events are rehydrated; the live table holds every delivered event once', async () => {
  await waitForObjects(rawObjects);
  for (const day of [RECENT, OLD]) {
    const s = sim.truth(day).stream!;
    assert.ok(
      s.truncated.length - s.missingFields.length > 0 &&
        s.missingFields.length > 0 &&
        s.unparsable.length > 0 &&
        s.neverDelivered.length > 0,
      `${day}: every fate happens`,
    );
    const results = await rehydrated(needing(day));
    assert.ok(
      results.every((r) => r.status === 'rehydrated'),
      `${day}: every one found in the API`,
    );
    assert.ok(
      results.every((r) => r.via === (day === OLD ? 'query' : 'related')),
      `${day}: realtime/related inside 14 days, else the async query`,
    );

    const live = await readDay(s3, config.s3.bucket, ORG, day, 'audit_events_live');
    assert.deepEqual(live.eventIds, streamed(day), `${day}: the live table holds exactly the delivered events`);
    assert.equal(live.duplicateRows, 0);
    for (const id of s.neverDelivered) assert.ok(!live.eventIds.includes(id));
    for (const email of sim.truth(day).pii.emails)
      assert.ok(!live.text.includes(email), 'no planted email in the live table');
  }
});

test('sealing a day records the reconciliation of stream and API; never-delivered events are in the sealed table', async () => {
  for (const day of [RECENT, OLD]) {
    const summary = await t.client.workflow.execute(collectDayWorkflow, {
      taskQueue: t.queues.daily,
      workflowId: `collect-day/${ORG}/${day}`,
      args: [{ org: ORG, day, lakeTaskQueue: t.queues.lake, checksAfterSeal: false }],
    });
    const truth = sim.truth(day);
    const s = truth.stream!;
    const sealed = await readDay(s3, config.s3.bucket, ORG, day);
    assert.deepEqual(sealed.eventIds, [...truth.eventIds].sort());
    for (const id of s.neverDelivered)
      assert.ok(sealed.eventIds.includes(id), 'a never-delivered event is complete through the sealed day');

    const manifest = JSON.parse(
      await (
        await s3.send(new GetObjectCommand({ Bucket: config.s3.bucket, Key: summary.manifestKey }))
      ).Body!.transformToString(),
    );
    const r = manifest.reconciliation as Reconciliation;
    assert.equal(r.apiEvents, truth.eventIds.length);
    assert.equal(r.delivered, s.delivered.length + s.truncated.length + s.unparsable.length);
    assert.equal(r.neverDelivered, s.neverDelivered.length);
    assert.deepEqual(r.neverDeliveredIds, [...s.neverDelivered].sort());
    assert.equal(r.truncated, s.truncated.length);
    assert.equal(r.unparsable, s.unparsable.length);
    assert.equal(r.rehydrated, s.truncated.length + s.unparsable.length);
    assert.equal(r.unresolved, 0);
    assert.equal(r.pendingRehydration, 0);
    assert.equal(r.streamOnly, 0);

    // The completeness attestation beside it: the stream's events (the live table, rehydrated ones included) per service.
    const att = manifest.completeness as CompletenessAttestation;
    assert.equal(att.verdict, 'complete', att.reasons.join('; '));
    assert.deepEqual(att.totals, { api: truth.eventIds.length, stream: r.delivered, lake: truth.eventIds.length });
    assert.deepEqual(att.missingFromStream, { count: s.neverDelivered.length, ids: [...s.neverDelivered].sort() });
    assert.deepEqual(att.missingFromApi, { count: 0, ids: [] });
    assert.deepEqual(att.rehydrations, { rehydrated: r.rehydrated, unresolved: 0, pending: 0 });
    assert.match(att.notes.join(), new RegExp(`the stream did not deliver ${s.neverDelivered.length} events`));
  }
});

test('an object delivered twice gives one row set; poison objects are quarantined and the rest flows', async () => {
  const flushed = await sim.firehose!.flush({ day: UNSEALED }, SHARES);
  const first = flushed.objects[0].key;
  // Late keys are picked up inside the grace window behind the newest key (older ones are not: see checkpoint.ts).
  const hour = flushed.objects.at(-1)!.key.slice(0, 'raw/YYYY/MM/DD/HH/'.length);
  const put = (key: string, body: Buffer) =>
    s3.send(
      new PutObjectCommand({
        Bucket: config.s3.bucket,
        Key: key,
        Body: body,
        ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
      }),
    );
  // The same envelopes again under another name (Firehose retried a delivery).
  await s3.send(
    new CopyObjectCommand({
      Bucket: config.s3.bucket,
      CopySource: `${config.s3.bucket}/${first}`,
      Key: `${hour}copy-of-${first.split('/').at(-1)}`,
    }),
  );
  const email = sim.truth(UNSEALED).pii.emails[0] ?? 'jane.doe@example.com';
  const poison = {
    randomBytes: `${hour}poison-random.gz`,
    invalidJson: `${hour}poison-lines`,
    cutGzip: `${hour}poison-cut.gz`,
    bomb: `${hour}poison-bomb.gz`,
  };
  await put(poison.randomBytes, randomBytes(4096));
  await put(
    poison.invalidJson,
    Buffer.from(`{"detail-type": "v2.audits.entitytype.{id}.entityid.{id}", "note": "${email}"\nnot json at all\n`),
  );
  const real = await (
    await s3.send(new GetObjectCommand({ Bucket: config.s3.bucket, Key: first }))
  ).Body!.transformToByteArray();
  await put(poison.cutGzip, Buffer.from(real).subarray(0, Math.floor(real.length / 2)));
  await put(poison.bomb, gzipSync(Buffer.alloc(MAX_DECODED_BYTES + 1024 * 1024, 0x20)));
  await ingest.signal(pokeSignal);
  rawObjects += flushed.objects.length + 1 + 4;
  const status = await waitForObjects(rawObjects);
  assert.equal(status.failedObjects, 0, 'poison is quarantined by the ingest itself, not by failing it');
  assert.equal(status.quarantinedObjects, 4);
  await rehydrated(needing(UNSEALED));

  // Every raw object has an outcome; the poison ones are quarantined with their reason.
  const outcomes = new Map<string, IngestOutcome>();
  for (const key of await listKeys(s3, config.s3.bucket, ingestOutcomesPrefix(ORG))) {
    const o = JSON.parse(
      await (await s3.send(new GetObjectCommand({ Bucket: config.s3.bucket, Key: key }))).Body!.transformToString(),
    ) as IngestOutcome;
    outcomes.set(o.rawKey, o);
  }
  assert.equal(outcomes.size, rawObjects);
  assert.match(outcomes.get(poison.randomBytes)!.reasons.join(' '), /not JSON/);
  assert.match(outcomes.get(poison.invalidJson)!.reasons.join(' '), /not JSON/);
  assert.match(outcomes.get(poison.cutGzip)!.reasons.join(' '), /not a valid gzip/);
  assert.match(outcomes.get(poison.bomb)!.reasons.join(' '), /expands past/);
  for (const key of Object.values(poison)) {
    const o = outcomes.get(key)!;
    assert.equal(o.status, 'quarantined');
    const record = await (
      await s3.send(new GetObjectCommand({ Bucket: config.s3.bucket, Key: o.quarantineKey! }))
    ).Body!.transformToString();
    assert.ok(!record.includes(email), 'quarantine holds masked records only');
  }
  assert.ok(
    (
      await (
        await s3.send(
          new GetObjectCommand({ Bucket: config.s3.bucket, Key: outcomes.get(poison.invalidJson)!.quarantineKey! }),
        )
      ).Body!.transformToString()
    ).includes('***@'),
  );

  // The live day holds each delivered event once although two objects carried some of them.
  const live = await readDay(s3, config.s3.bucket, ORG, UNSEALED, 'audit_events_live');
  assert.deepEqual(live.eventIds, streamed(UNSEALED));
  assert.ok(live.duplicateRows > 0, 'the copy wrote its own part with the same rows');

  // The view: sealed days, plus live rows of the unsealed day, without duplicates.
  const engine = createQueryEngine(config, s3, 'duckdb', ORG);
  try {
    const days = { from: OLD < RECENT ? OLD : RECENT, to: UNSEALED };
    const dup = await engine.query(
      `SELECT event_id, change_index FROM audit_events_all GROUP BY event_id, change_index HAVING count(*) > 1`,
      { days },
    );
    assert.equal(dup.rows.length, 0, 'no (event_id, change_index) twice in audit_events_all');
    const perDay = rowObjects(
      await engine.query(
        `SELECT year || '-' || month || '-' || day AS d, count(DISTINCT event_id) AS n FROM audit_events_all GROUP BY 1`,
        { days },
      ),
    );
    const n = (day: string) => Number(perDay.find((r) => r.d === day)?.n ?? 0);
    assert.equal(n(RECENT), sim.truth(RECENT).eventIds.length, 'a sealed day reads as the API has it');
    assert.equal(n(UNSEALED), streamed(UNSEALED).length, 'an unsealed day reads as the stream delivered it');
  } finally {
    await engine.close();
  }

  // Nothing personal in the workflow's history.
  const history = historyToJSON(await ingest.fetchHistory());
  for (const day of [RECENT, OLD, UNSEALED]) for (const e of sim.truth(day).pii.emails) assert.ok(!history.includes(e));
  assert.ok(!history.includes(email));
});

test('an unresolved event becomes a finding in audit_findings and counts as unresolved in the reconciliation', async () => {
  const day = '2026-01-05';
  const [lost, fine, missed] = [
    '6f1c0c1e-9d7a-4f55-8a0e-0c4c2b1e7a01',
    '6f1c0c1e-9d7a-4f55-8a0e-0c4c2b1e7a02',
    '6f1c0c1e-9d7a-4f55-8a0e-0c4c2b1e7a03',
  ];
  await putLockedJson(lakeOf(config, s3), streamIdsKey(ORG, day, 'synthetic'), {
    complete: [fine],
    rehydrate: [{ eventId: lost, reason: 'truncated' }],
  });
  const request = {
    eventId: lost,
    eventTime: `${day}T10:00:00.000Z`,
    eventTimeKnown: true,
    entityType: 'User',
    entityId: 'u-1',
    reason: 'truncated' as const,
  };
  const { findingKey } = await storeUnresolved(
    { lake: lakeOf(config, s3), duckdb: config.duckdb },
    ORG,
    request,
    30,
    'not returned by realtime/related',
  );
  assert.ok(findingKey);
  const r = (await reconcileDay(lakeOf(config, s3), ORG, day, [lost, fine, missed]))!;
  assert.deepEqual(
    {
      delivered: r.delivered,
      neverDelivered: r.neverDelivered,
      truncated: r.truncated,
      rehydrated: r.rehydrated,
      unresolved: r.unresolved,
      streamOnly: r.streamOnly,
    },
    { delivered: 2, neverDelivered: 1, truncated: 1, rehydrated: 0, unresolved: 1, streamOnly: 0 },
  );
  const engine = createQueryEngine(config, s3, 'duckdb', ORG);
  try {
    const rows = rowObjects(
      await engine.query(
        `SELECT check_id, event_ids, severity FROM audit_findings WHERE check_id = 'unresolved_stream_event'`,
        { days: { from: day, to: day } },
      ),
    );
    assert.deepEqual(rows, [
      { check_id: 'unresolved_stream_event', event_ids: JSON.stringify([lost]), severity: 'medium' },
    ]);
  } finally {
    await engine.close();
  }
});
