/**
 * The HEC test receiver against Splunk's documented wire shapes: several ack ids asked in one
 * /services/collector/ack request (`{"acks":[0,1,2]}` answered `{"acks":{"0":true,...}}`), and
 * event bodies of JSON objects one after another, parsed the same whether one per line or not.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { HecReceiver, parseConcatenated } from './server';

const TOKEN = '11111111-2222-3333-4444-555555555555';
const CHANNEL = '0f3c5a34-7a4e-4c55-9b61-1f1b2c3d4e5f';
let receiver: HecReceiver;
let url: string;

before(async () => {
  receiver = new HecReceiver({ [TOKEN]: { ack: true } });
  url = await receiver.start();
});
after(() => receiver.stop());

async function post(path: string, body: Buffer, gzip = false): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Splunk ${TOKEN}`,
      'x-splunk-request-channel': CHANNEL,
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    },
    body: new Uint8Array(gzip ? gzipSync(body) : body),
  });
  return { status: res.status, json: await res.json() };
}

test('several ack ids in one request: each answered by its id, true once indexed, false while not (or unknown)', async () => {
  receiver.knobs.ackDelayMs = 400;
  const ids: number[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const r = await post('/services/collector/event', Buffer.from(`{"event":"e${i}"}\n{"event":"f${i}"}`), true);
      assert.equal(r.status, 200);
      ids.push((r.json as { ackId: number }).ackId);
    }
  } finally {
    receiver.knobs.ackDelayMs = 0;
  }
  const third = await post('/services/collector/event', Buffer.from('{"event":"g"}'));
  ids.push((third.json as { ackId: number }).ackId);
  assert.deepEqual(ids, [0, 1, 2]);
  const asked = [...ids, 99];
  const early = await post('/services/collector/ack', Buffer.from(JSON.stringify({ acks: asked })));
  assert.equal(early.status, 200);
  assert.deepEqual(early.json, { acks: { '0': false, '1': false, '2': true, '99': false } });
  assert.equal(receiver.stats.maxAcksPerPoll, 4);
  await new Promise((r) => setTimeout(r, 450));
  const late = await post('/services/collector/ack', Buffer.from(JSON.stringify({ acks: asked })));
  assert.deepEqual(late.json, { acks: { '0': true, '1': true, '2': true, '99': false } });
  const bad = await post('/services/collector/ack', Buffer.from('{"acks":7}'));
  assert.deepEqual([bad.status, (bad.json as { code: number }).code], [400, 6]);
});

test('event bodies: one object per line, objects back to back, or spread over lines parse alike; an error names the event', () => {
  const a = { event: { x: 'a\nb', y: [1, { z: '}{' }] }, fields: { event_id: 'e1' } };
  const b = { event: 'plain', time: '1764582565.123' };
  const both = [a, b];
  const lines = `${JSON.stringify(a)}\n${JSON.stringify(b)}`;
  assert.deepEqual(parseConcatenated(lines), { objects: both, error: null });
  assert.deepEqual(parseConcatenated(`${lines}\n\n`), { objects: both, error: null });
  assert.deepEqual(parseConcatenated(`${JSON.stringify(a)}${JSON.stringify(b)}`), { objects: both, error: null });
  assert.deepEqual(parseConcatenated(`  ${JSON.stringify(a)} \n\t${JSON.stringify(b)}`), {
    objects: both,
    error: null,
  });
  assert.deepEqual(parseConcatenated(JSON.stringify(a, null, 2)), { objects: [a], error: null });
  const broken = parseConcatenated(`${JSON.stringify(a)}\n{"event": nope}`);
  assert.deepEqual(broken.objects, [a]);
  assert.ok(broken.error);
  assert.deepEqual(parseConcatenated(`${JSON.stringify(a)}\n[1]`), { objects: [a], error: 'unexpected [' });
  assert.deepEqual(parseConcatenated(''), { objects: [], error: null });
});
