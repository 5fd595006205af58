/**
 * One part's delivery against MinIO and the HEC receiver, without Temporal: batching, the ledger,
 * acknowledgments that never arrive, a connection cut mid-batch, refused tokens and indexes, and
 * a part that does not verify.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { deliverPart } from '../../src/delivery/deliver-part';
import { readPartLedger } from '../../src/delivery/ledger';
import { planDay } from '../../src/delivery/plan';
import { HecRejectedError } from '../../src/splunk/hec-status';
import { InvalidDataError } from '../../src/errors';
import { PROJECT_ROOT } from '../../src/paths';
import { testConfig } from '../harness/env';
import { readDay } from '../harness/lake';
import { HecReceiver } from '../hec-server/server';
import { dayEvents, DeliveryLake, deliveryLake, sealDayWith, storeDayFindings } from './delivery-lake';
import { lakeOf } from '../../src/s3/lake';

const TOKEN = '11111111-2222-3333-4444-555555555555';
const NOACK = '99999999-2222-3333-4444-555555555555';
const DISABLED = '00000000-2222-3333-4444-555555555555';
let receiver: HecReceiver;
let url: string;
let lake: DeliveryLake;
const org = 'partorg';

before(async () => {
  receiver = new HecReceiver({
    [TOKEN]: { ack: true, indexes: ['gcaudit'] },
    [NOACK]: { ack: false, indexes: ['gcaudit'] },
    [DISABLED]: { ack: true, disabled: true },
  });
  url = await receiver.start();
  lake = await deliveryLake(org);
});
after(async () => {
  await receiver.stop();
  lake.s3.destroy();
});

function envFor(env: Record<string, string>): Record<string, string> {
  return {
    S3_BUCKET: lake.config.s3.bucket,
    GCAUDIT_ORG: org,
    LAKE_RETENTION_DAYS: '1',
    LAKE_LOCK_MODE: 'GOVERNANCE',
    SPLUNK_HEC_URL: url,
    SPLUNK_HEC_TOKEN: TOKEN,
    SPLUNK_INDEX: 'gcaudit',
    SPLUNK_BATCH_MAX_EVENTS: '50',
    SPLUNK_ACK_TIMEOUT_SECONDS: '1',
    ...env,
  };
}

function configFor(env: Record<string, string>) {
  return testConfig(envFor(env));
}

test('a part arrives one for one, in deterministic batches; the ledger records every batch as acknowledged; a second run sends nothing', async () => {
  const day = '2026-10-01';
  await sealDayWith(lake, day, dayEvents(day, 730));
  const config = configFor({});
  const plan = await planDay(lakeOf(config, lake.s3), org, 'splunk', day);
  assert.equal(plan.pending.length, 1);
  const part = plan.pending[0];
  const before = receiver.stats.accepted;
  const r = await deliverPart(
    { lake: lakeOf(config, lake.s3), splunk: config.splunk, duckdb: config.duckdb, ackPollMs: 20 },
    { org, sink: 'splunk', day, part },
  );
  assert.equal(r.events, 730);
  assert.equal(r.batches, 15);
  assert.equal(r.batchesSent, 15);
  assert.equal(r.resends, 0);
  assert.equal(r.ack, 'indexer');
  assert.equal(receiver.stats.accepted - before, 15);

  const lakeIds = (await readDay(lake.s3, lake.config.s3.bucket, org, day)).eventIds;
  const got = [...receiver.eventIdCounts('genesys:cloud:audit')].filter(([id]) => id.startsWith(day));
  assert.deepEqual(got.map(([id]) => id).sort(), lakeIds);
  assert.ok(got.every(([, n]) => n === 1));

  const e = receiver.events.find((x) => x.fields?.event_id === `${day}-ev-000010`)!;
  assert.equal(e.index, 'gcaudit');
  assert.equal(e.host, org);
  assert.equal(e.source, `s3://${lake.config.s3.bucket}/${part.key}`);
  assert.equal(e.fields?.manifest_sha256, part.manifestSha256);
  const ev = e.event as Record<string, unknown>;
  assert.equal(e.time, Date.parse(ev.event_time as string) / 1000);
  assert.equal((ev.changes as unknown[]).length, 2);
  assert.deepEqual(ev.changes, [
    { property: 'p0', old_value: 'old 10.0', new_value: 'new "10"' },
    { property: 'p1', old_value: 'old 10.1', new_value: '["a","b"]' },
  ]);
  const plain = receiver.events.find((x) => x.fields?.event_id === `${day}-ev-000012`)!.event as Record<
    string,
    unknown
  >;
  assert.deepEqual(plain.changes, []);
  assert.deepEqual(plain.extra, { context: { note: 'ctx 12' }, message: { localizableMessageCode: 'X' } });

  const ledger = await readPartLedger(lakeOf(config, lake.s3), org, 'splunk', day, part.key);
  assert.equal(ledger.acked.size, 15);
  assert.equal(ledger.sentUnacked.size, 0);

  const again = await deliverPart(
    { lake: lakeOf(config, lake.s3), splunk: config.splunk, duckdb: config.duckdb, ackPollMs: 20 },
    { org, sink: 'splunk', day, part },
  );
  assert.equal(again.batchesSent, 0);
  assert.equal(again.batchesSkipped, 15);
  assert.equal(receiver.stats.accepted - before, 15);
});

test('acknowledgments that never arrive and a connection cut mid-batch: the batches are sent again, counted, and nothing is lost', async () => {
  const day = '2026-10-02';
  await sealDayWith(lake, day, dayEvents(day, 400));
  const config = configFor({});
  const part = (await planDay(lakeOf(config, lake.s3), org, 'splunk', day)).pending[0];
  receiver.knobs.dropAcks = 2;
  receiver.knobs.cutMidBatch = 1;
  const r = await deliverPart(
    { lake: lakeOf(config, lake.s3), splunk: config.splunk, duckdb: config.duckdb, ackPollMs: 50 },
    { org, sink: 'splunk', day, part },
  );
  assert.equal(r.events, 400);
  assert.equal(r.batches, 8);
  assert.equal(r.resends, 2, 'two lost acknowledgments: two batches sent again');
  const counts = [...receiver.eventIdCounts('genesys:cloud:audit')].filter(([id]) => id.startsWith(day));
  assert.equal(counts.length, 400, 'every event arrived');
  assert.equal(
    counts.filter(([, n]) => n === 2).length,
    100,
    'the two resent batches (50 events each) arrived twice, nothing else',
  );
  const ledger = await readPartLedger(lakeOf(config, lake.s3), org, 'splunk', day, part.key);
  assert.equal([...ledger.acked.values()].filter((b) => b.sends === 2).length, 2);
});

test('without indexer acknowledgment the 200 is the delivery (Splunk Cloud)', async () => {
  const day = '2026-10-03';
  await sealDayWith(lake, day, dayEvents(day, 120));
  const config = configFor({ SPLUNK_HEC_TOKEN: NOACK, SPLUNK_HEC_ACK: 'off' });
  const part = (await planDay(lakeOf(config, lake.s3), org, 'splunk', day)).pending[0];
  const r = await deliverPart(
    { lake: lakeOf(config, lake.s3), splunk: config.splunk, duckdb: config.duckdb },
    { org, sink: 'splunk', day, part },
  );
  assert.equal(r.ack, 'http-200');
  assert.equal(r.events, 120);
});

test('a refused token or index is a non-retryable error naming the cause and never the token', async () => {
  const day = '2026-10-04';
  await sealDayWith(lake, day, dayEvents(day, 30));
  const secret = 'deadbeef-0000-4000-8000-00000000cafe';
  const cases: Array<[Record<string, string>, number, RegExp]> = [
    [{ SPLUNK_HEC_TOKEN: secret }, 4, /Invalid token/],
    [{ SPLUNK_HEC_TOKEN: DISABLED }, 1, /Token disabled/],
    [{ SPLUNK_INDEX: 'forbidden' }, 7, /Incorrect index/],
  ];
  for (const [env, code, text] of cases) {
    const config = configFor(env);
    const part = (await planDay(lakeOf(config, lake.s3), org, 'splunk', day)).pending[0];
    const err = await deliverPart(
      { lake: lakeOf(config, lake.s3), splunk: config.splunk, duckdb: config.duckdb },
      { org, sink: 'splunk', day, part },
    ).then(
      () => assert.fail('expected a refusal'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof HecRejectedError, String(err));
    assert.equal(err.retryable, false);
    assert.equal(err.code, code);
    assert.match(err.message, text);
    assert.ok(!err.message.includes(env.SPLUNK_HEC_TOKEN ?? TOKEN), 'the token is not in the message');
    assert.ok(!JSON.stringify(err).includes(env.SPLUNK_HEC_TOKEN ?? TOKEN));
  }
});

test('a part that does not verify against its manifest is never sent', async () => {
  const day = '2026-10-05';
  await sealDayWith(lake, day, dayEvents(day, 40));
  await storeDayFindings(lake, day, 2);
  const config = configFor({});
  const plan = await planDay(lakeOf(config, lake.s3), org, 'splunk', day);
  const part = plan.pending.find((p) => p.kind === 'events')!;
  await lake.s3.send(
    new PutObjectCommand({ Bucket: lake.config.s3.bucket, Key: part.key, Body: Buffer.from('tampered') }),
  );
  const before = receiver.stats.accepted;
  await assert.rejects(
    deliverPart(
      { lake: lakeOf(config, lake.s3), splunk: config.splunk, duckdb: config.duckdb },
      { org, sink: 'splunk', day, part },
    ),
    (e: unknown) => e instanceof InvalidDataError && /other version/.test(e.message),
  );
  const wrongHash = { ...plan.pending.find((p) => p.kind === 'findings')!, sha256: '0'.repeat(64) };
  await assert.rejects(
    deliverPart(
      { lake: lakeOf(config, lake.s3), splunk: config.splunk, duckdb: config.duckdb },
      { org, sink: 'splunk', day, part: wrongHash },
    ),
    (e: unknown) => e instanceof InvalidDataError && /does not match/.test(e.message),
  );
  assert.equal(receiver.stats.accepted, before, 'nothing was sent');
});

test('up to SPLUNK_REQUESTS_IN_FLIGHT requests travel at once, several acknowledgments are asked in one request, and the ledger records acknowledgments in batch order', async () => {
  const day = '2026-10-06';
  await sealDayWith(lake, day, dayEvents(day, 2000));
  for (const [inFlight, name] of [
    [3, 'events'],
    [1, 'one at a time'],
  ] as const) {
    const config = configFor({ SPLUNK_REQUESTS_IN_FLIGHT: String(inFlight), SPLUNK_ACK_TIMEOUT_SECONDS: '30' });
    const sink = `splunk-${inFlight}`;
    const part = (await planDay(lakeOf(config, lake.s3), org, sink, day)).pending[0];
    Object.assign(receiver.stats, { maxConcurrent: 0, maxAcksPerPoll: 0 });
    // Each request takes 30 ms and its acknowledgment turns true 300 ms later (indexing time).
    receiver.knobs.delayMs = 30;
    receiver.knobs.ackDelayMs = 300;
    try {
      const r = await deliverPart(
        { lake: lakeOf(config, lake.s3), splunk: config.splunk, duckdb: config.duckdb, ackPollMs: 20 },
        { org, sink, day, part },
      );
      assert.equal(r.batchesSent, 40, name);
      assert.equal(r.resends, 0, name);
    } finally {
      receiver.knobs.delayMs = 0;
      receiver.knobs.ackDelayMs = 0;
    }
    assert.equal(receiver.stats.maxConcurrent, inFlight, `${name}: requests in flight at once`);
    assert.ok(receiver.stats.maxAcksPerPoll > 1, `${name}: ${receiver.stats.maxAcksPerPoll} ack ids in one poll`);

    const ledger = await readPartLedger(lakeOf(config, lake.s3), org, sink, day, part.key);
    assert.deepEqual(
      [...ledger.acked.keys()].sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => i),
    );
    const byTime = (kind: string) =>
      ledger.records
        .filter((r) => r.record.kind === kind)
        .map((r) => r.record as { batches: Array<{ index: number }>; sentAt?: string; ackedAt?: string })
        .sort((a, b) => (a.sentAt ?? a.ackedAt!).localeCompare(b.sentAt ?? b.ackedAt!));
    const firsts = (kind: string) => byTime(kind).map((r) => r.batches[0].index);
    assert.deepEqual(firsts('sent'), [0, 16, 32], `${name}: sent records in batch order`);
    assert.deepEqual(firsts('acked'), [0, 16, 32], `${name}: acked records in batch order`);
  }
});

test('a delivery killed with several batches in flight resumes without resending anything acknowledged; every event arrives, and what arrived twice is counted', async () => {
  const day = '2026-10-07';
  const count = 3000;
  await sealDayWith(lake, day, dayEvents(day, count));
  const env = envFor({
    SPLUNK_BATCH_MAX_EVENTS: '20',
    SPLUNK_REQUESTS_IN_FLIGHT: '4',
    SPLUNK_ACK_TIMEOUT_SECONDS: '30',
  });
  // Slow answers and late acknowledgments: at the kill, batches are in flight and others sent but not acknowledged.
  receiver.knobs.delayMs = 20;
  receiver.knobs.ackDelayMs = 150;
  const starting = receiver.stats.accepted;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'test/deliver/deliver-part-process.ts'), org, 'splunk', day],
    { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((r) => child.once('exit', r));
  try {
    while (receiver.stats.accepted - starting < 80) {
      assert.equal(child.exitCode, null, 'the delivery process ended before the kill');
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    await exited;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    receiver.knobs.delayMs = 0;
    receiver.knobs.ackDelayMs = 0;
  }
  const config = testConfig(env);
  const part = (await planDay(lakeOf(config, lake.s3), org, 'splunk', day)).pending[0];
  const atKill = await readPartLedger(lakeOf(config, lake.s3), org, 'splunk', day, part.key);
  const ackedAtKill = [...atKill.acked.keys()].sort((a, b) => a - b);
  assert.ok(ackedAtKill.length > 0, 'some batches were acknowledged before the kill');
  assert.ok(atKill.sentUnacked.size > 1, `several batches were sent and not acknowledged (${atKill.sentUnacked.size})`);
  assert.deepEqual(
    ackedAtKill,
    Array.from({ length: ackedAtKill.length }, (_, i) => i),
    'acknowledgments entered the ledger in batch order',
  );

  const r = await deliverPart(
    { lake: lakeOf(config, lake.s3), splunk: config.splunk, duckdb: config.duckdb, ackPollMs: 20 },
    { org, sink: 'splunk', day, part },
  );
  assert.equal(r.batchesSkipped, ackedAtKill.length);
  assert.equal(r.batchesSent, count / 20 - ackedAtKill.length);
  const counts = new Map([...receiver.eventIdCounts('genesys:cloud:audit')].filter(([id]) => id.startsWith(day)));
  assert.equal(counts.size, count, 'every event arrived');
  for (const b of atKill.acked.values())
    for (let n = b.from; n < b.to; n++)
      assert.equal(counts.get(`${day}-ev-${String(n).padStart(6, '0')}`), 1, `batch ${b.index} was not sent again`);
  const final = await readPartLedger(lakeOf(config, lake.s3), org, 'splunk', day, part.key);
  assert.equal(final.acked.size, count / 20);
  const resent = new Set([...final.acked.values()].filter((b) => b.sends > 1).map((b) => b.index));
  assert.equal(r.resends, resent.size);
  for (const [id, n] of counts)
    if (n > 1) assert.ok(resent.has(Math.floor(Number(id.slice(-6)) / 20)), `${id} arrived twice and is counted`);
  assert.ok(
    [...resent].every((i) => atKill.sentUnacked.has(i)),
    'only batches sent before the kill count as resent',
  );
});
