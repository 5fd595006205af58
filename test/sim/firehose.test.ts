import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Config } from '../../src/config/config';
import { listKeys } from '../../src/s3/list-objects';
import { EventBridgeEnvelope } from '../../src/model/audit-log-message';
import { Simulator, startSimulator } from '../../src/sim';
import { freshLake } from '../harness/env';
import { NOW, addDays, allResults, call, dayInterval, runQuery, token } from './helpers';

let config: Config;
let s3: S3Client;
let sim: Simulator;
const today = NOW.slice(0, 10);
const day = addDays(today, -3);
const LIMIT = 256 * 1024;

before(async () => {
  ({ config, s3 } = await freshLake());
  sim = await startSimulator({
    seed: 'firehose-test',
    eventsPerDay: 1500,
    firehose: {
      s3,
      bucket: config.s3.bucket,
      shares: { neverDeliveredShare: 0.02, unparsableShare: 0.02, truncatedShare: 0.01, missingFieldsShare: 0.01 },
    },
  });
  sim.setNow(NOW);
});
after(async () => {
  await sim.close();
  s3.destroy();
});

async function objects(prefix: string): Promise<string[]> {
  return listKeys(s3, config.s3.bucket, prefix);
}

async function lines(key: string): Promise<string[]> {
  const obj = await s3.send(new GetObjectCommand({ Bucket: config.s3.bucket, Key: key }));
  const text = gunzipSync(Buffer.from(await obj.Body!.transformToByteArray())).toString('utf8');
  assert.ok(text.endsWith('\n'));
  return text.trimEnd().split('\n');
}

test('a day flushed on demand lands as gzip NDJSON of EventBridge envelopes under raw/, matching the truth', async () => {
  const result = await sim.firehose!.flush({ day });
  assert.ok(result.objects.length > 10, 'one object per 5-minute buffer');
  const truth = sim.truth(day);
  const stream = truth.stream!;
  assert.ok(stream, 'the truth records the stream');
  const keys = await objects('raw/');
  assert.deepEqual([...keys].sort(), [...stream.objects].sort());
  for (const key of keys)
    assert.match(
      key,
      /^raw\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/gcaudit-sim-audit-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}\.gz$/,
    );

  const seen = {
    delivered: [] as string[],
    truncated: [] as string[],
    missingFields: [] as string[],
    unparsable: [] as string[],
  };
  const api = new Map(sim.events(day).map((e) => [e.id!, e]));
  for (const key of keys) {
    for (const line of await lines(key)) {
      assert.ok(Buffer.byteLength(line) <= LIMIT, 'no record over the EventBridge limit');
      const env = JSON.parse(line) as EventBridgeEnvelope;
      assert.equal(env.version, '0');
      assert.equal(env['detail-type'], 'v2.audits.entitytype.{id}.entityid.{id}');
      assert.equal(env.source, `aws.partner/genesys.com/cloud/${sim.orgId}/gcaudit-sim-audit`);
      assert.equal(env.detail!.version, '2');
      assert.match(env.detail!.topicName!, /^v2\.audits\.entitytype\.\w+\.entityid\./);
      assert.ok(env.detail!.metadata!.CorrelationId);
      const body = env.detail!.eventBody as unknown;
      if (typeof body === 'string') {
        assert.throws(() => JSON.parse(body));
        const id = /"id":"([0-9a-f-]{36})"/.exec(body)![1];
        seen.unparsable.push(id);
        continue;
      }
      const b = env.detail!.eventBody!;
      const full = api.get(b.id!)!;
      assert.ok(full, 'every streamed event is in the API');
      assert.equal(b.eventTime, full.eventDate);
      assert.equal(b.userId, full.user!.id);
      assert.equal(b.clientId!.id, full.client!.id);
      for (const absent of [
        'eventDate',
        'status',
        'application',
        'initiatingAction',
        'transactionInitiator',
        'entityChanges',
        'user',
        'client',
      ]) {
        assert.equal(absent in b, false, `topic shape has no ${absent}`);
      }
      assert.equal(env.detail!.topicName, `v2.audits.entitytype.${full.entityType}.entityid.${full.entity!.id}`);
      if (env.detail!.truncated === true) seen.truncated.push(b.id!);
      else if (!('serviceName' in b) || !('action' in b) || !('entity' in b)) seen.missingFields.push(b.id!);
      else {
        assert.deepEqual(b.propertyChanges, full.propertyChanges);
        seen.delivered.push(b.id!);
      }
    }
  }
  const sort = (xs: string[]) => [...xs].sort();
  assert.deepEqual(sort(seen.delivered), sort(stream.delivered));
  assert.deepEqual(sort(seen.unparsable), sort(stream.unparsable));
  assert.deepEqual(sort([...seen.truncated, ...seen.missingFields]), sort(stream.truncated));
  assert.deepEqual(sort(seen.missingFields), sort(stream.missingFields));
  for (const list of [stream.delivered, stream.truncated, stream.unparsable, stream.neverDelivered])
    assert.ok(list.length > 0);
  assert.deepEqual(
    sort([...stream.delivered, ...stream.truncated, ...stream.unparsable, ...stream.neverDelivered]),
    sort(truth.eventIds),
    'every event has exactly one fate',
  );
  assert.deepEqual(result, {
    objects: result.objects,
    delivered: stream.delivered.length,
    truncated: stream.truncated.length,
    unparsable: stream.unparsable.length,
    neverDelivered: stream.neverDelivered.length,
  });

  // The oversized audit arrives truncated and marked; its full record is in the API.
  assert.equal(truth.oversizedEventIds.length, 1);
  assert.ok(
    stream.truncated.includes(truth.oversizedEventIds[0]) ||
      stream.neverDelivered.includes(truth.oversizedEventIds[0]) ||
      stream.unparsable.includes(truth.oversizedEventIds[0]),
  );
  assert.ok(JSON.stringify(api.get(truth.oversizedEventIds[0])).length > LIMIT);

  // Never-delivered events are still in the API.
  const tok = await token(sim);
  const { id } = await runQuery(sim, tok, { interval: dayInterval(day) });
  const apiIds = new Set((await allResults(sim, tok, id, 'pageSize=500')).ids);
  assert.ok(stream.neverDelivered.every((x) => apiIds.has(x)));

  // Delivering the same day again writes nothing new.
  const again = await sim.firehose!.flush({ day });
  assert.deepEqual(again.objects, []);
  assert.equal((await objects('raw/')).length, keys.length);
});

test('a marked truncated record is cut below 256 KB and keeps its id for rehydration', async () => {
  const big = await startSimulator({
    seed: 'firehose-big',
    eventsPerDay: 50,
    oversizedPerDay: 2,
    firehose: {
      s3,
      bucket: config.s3.bucket,
      prefix: 'raw-big/',
      shares: { neverDeliveredShare: 0, unparsableShare: 0, missingFieldsShare: 0 },
    },
  });
  try {
    big.setNow(NOW);
    await big.firehose!.flush({ day });
    const truth = big.truth(day);
    assert.equal(truth.oversizedEventIds.length, 2);
    assert.deepEqual([...truth.stream!.truncated].sort(), [...truth.oversizedEventIds].sort());
    let found = 0;
    for (const key of await objects('raw-big/')) {
      for (const line of await lines(key)) {
        const env = JSON.parse(line) as EventBridgeEnvelope;
        if (env.detail!.truncated !== true) continue;
        found++;
        assert.ok(line.length <= LIMIT && line.length > LIMIT / 2, 'cut to fit, not emptied');
        const rows = env.detail!.eventBody!.propertyChanges![0].newValues!;
        const full = big.events(day).find((e) => e.id === env.detail!.eventBody!.id)!;
        assert.ok(rows.length > 0 && rows.length < full.propertyChanges![0].newValues!.length);
      }
    }
    assert.equal(found, 2);
  } finally {
    await big.close();
  }
});

test('on a clock: every interval, what arrived since the last delivery (also via POST /_sim/firehose/flush)', async () => {
  const clocked = await startSimulator({
    seed: 'firehose-clock',
    eventsPerDay: 2000,
    firehose: { s3, bucket: config.s3.bucket, prefix: 'raw-clock/', intervalMs: 100 },
  });
  try {
    const start = `${today}T10:00:00.000Z`;
    clocked.setNow(start);
    await sleep(250);
    clocked.advance(15 * 60_000);
    await sleep(400);
    await clocked.firehose!.idle();
    const stream = clocked.truth(today).stream!;
    const total =
      stream.delivered.length + stream.truncated.length + stream.unparsable.length + stream.neverDelivered.length;
    assert.ok(total > 0, 'events of the 15 minutes were delivered');
    const byId = new Map(clocked.events(today).map((e) => [e.id!, e.eventDate!]));
    for (const id of [...stream.delivered, ...stream.truncated]) {
      const at = byId.get(id)!;
      assert.ok(
        at >= new Date(Date.parse(start) - 60_000).toISOString() &&
          at < new Date(Date.parse(start) + 15 * 60_000).toISOString(),
        at,
      );
    }
    assert.ok((await objects('raw-clock/')).length > 0);
    clocked.firehose!.stop();

    const r = await call(clocked, undefined, 'POST', '/_sim/firehose/flush', { day: addDays(today, -1) });
    assert.equal(r.status, 200);
    assert.ok(r.body.objects.length > 0 && r.body.delivered > 0);
  } finally {
    await clocked.close();
  }
});
