/**
 * One part's delivery against MinIO and the HEC receiver, without Temporal: batching, the ledger,
 * acknowledgments that never arrive, a connection cut mid-batch, refused tokens and indexes, and
 * a part that does not verify.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { deliverPart } from '../../src/delivery/deliver-part';
import { readPartLedger } from '../../src/delivery/ledger';
import { planDay } from '../../src/delivery/plan';
import { HecRejectedError } from '../../src/splunk/hec-status';
import { InvalidDataError } from '../../src/errors';
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

function configFor(env: Record<string, string>) {
  return testConfig({
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
  });
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
