import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Secret } from '../../src/config/secret';
import { SETTINGS } from '../../src/config/settings';
import { ConfigError } from '../../src/errors';
import { CanonicalEvent } from '../../src/model/canonical';
import { transformBatch, transformContext } from '../../src/transform/pipeline';
import { PLANTED_EMAILS, PLANTED_PHONES, apiRecords, leaksIn, topicRecords, uuid } from './realistic-records';

const mask = {
  hmacKey: new Secret('pipeline-test-key-0123456789abcdef-0123456789'),
  extraAllowlist: SETTINGS.LAKE_EXTRA_ALLOWLIST.default.split(','),
};
const context = transformContext(mask);

test('zero leaks: no planted email or phone survives the pipeline, from either source', () => {
  const api = apiRecords(600);
  const stream = topicRecords(400);
  // The check can fail: the same search finds every planted value in the raw records.
  const rawText = JSON.stringify([api, stream]);
  assert.deepEqual(leaksIn(rawText), [...PLANTED_EMAILS, ...PLANTED_PHONES]);

  const fromApi = transformBatch(api, 'api', context);
  const fromStream = transformBatch(stream, 'stream', context);
  assert.deepEqual(fromApi.invalid, []);
  assert.deepEqual(fromStream.invalid, []);
  assert.equal(fromApi.events.length, 600);
  assert.equal(fromStream.events.length, 400);
  assert.deepEqual(leaksIn(fromApi.lines.join('\n') + fromStream.lines.join('\n')), []);

  // What was masked is still there as tokens and domains, and nothing else was lost.
  const text = fromApi.lines.join('\n');
  assert.match(text, /\*\*\*@example\.com/);
  assert.match(text, new RegExp(`phone#${context.masker.keyId}:[0-9a-f]{16}`));
  const events = fromApi.lines.map((l) => JSON.parse(l) as CanonicalEvent);
  assert.deepEqual(events, fromApi.events, 'each line is its event');
  assert.ok(events.some((e) => e.action === 'SomeActionAddedNextYear' && e.status === 'PARTIAL_SUCCESS'));
  assert.ok(events.some((e) => (e.extra.actorDetails as { score?: number } | undefined)?.score === 0.7));
  assert.ok(
    events.some((e) =>
      e.propertyChanges.some((c) => c.newValues[0] === '1622454293000' && c.oldValues[0] === '2021-05-31T09:44:53Z'),
    ),
  );
});

test('rows per event: one per property change, one for an event without changes', () => {
  const stream = topicRecords(8); // every 4th has no propertyChanges
  const { rows, events } = transformBatch(stream, 'stream', context);
  assert.equal(events.length, 8);
  assert.equal(rows, 2 * 1 + 6 * 3);
  assert.ok(events.every((e) => e.source === 'stream' && e.status === null && /\.\d{3}Z$/.test(e.eventTime)));
});

test('one bad record is reported with its index and reason; the rest of the batch goes on', () => {
  const good = apiRecords(3);
  const badDate = { ...apiRecords(1)[0], id: uuid('bad-date'), eventDate: 'jane.doe@example.com' };
  const noId = { ...apiRecords(1)[0], id: undefined };
  const badIps = { ...apiRecords(1)[0], id: 'call-555-123-4567', remoteIp: '10.0.0.1' };
  const records = [good[0], badDate, 'not an object', good[1], noId, badIps, good[2]];
  const result = transformBatch(records, 'api', context);

  assert.deepEqual(
    result.events.map((e) => e.eventId),
    good.map((g) => g.id),
  );
  assert.equal(result.lines.length, 3);
  assert.deepEqual(
    result.invalid.map((i) => [i.index, i.eventId]),
    [
      [1, uuid('bad-date')],
      [2, undefined],
      [4, undefined],
      [5, undefined], // not a UUID: not shown
    ],
  );
  assert.match(result.invalid[0].reason, /field eventDate/);
  assert.match(result.invalid[1].reason, /expected a JSON object/);
  assert.match(result.invalid[2].reason, /field id/);
  assert.match(result.invalid[3].reason, /field remoteIp/);
  assert.deepEqual(leaksIn(JSON.stringify(result.invalid)), []);
});

test('an oversized event is invalid, not written', () => {
  const [big, normal] = apiRecords(2);
  big.propertyChanges = [{ property: 'description', oldValues: [], newValues: ['x'.repeat(2_000_000)] }];
  const result = transformBatch([big, normal], 'api', context);
  assert.deepEqual(
    result.events.map((e) => e.eventId),
    [normal.id],
  );
  assert.equal(result.lines.length, 1);
  assert.equal(result.invalid.length, 1);
  assert.equal(result.invalid[0].index, 0);
  assert.match(result.invalid[0].reason, /over the limit of 1048576/);

  const small = transformBatch([normal], 'api', { ...context, maxEventChars: 100 });
  assert.equal(small.invalid.length, 1);
});

test('a record nested too deeply is invalid, not a crash', () => {
  let deep: unknown = 'bottom';
  for (let i = 0; i < 1000; i++) deep = { d: deep };
  const record = { ...apiRecords(1)[0], surprise: deep };
  const result = transformBatch([record], 'api', context);
  assert.deepEqual(result.events, []);
  assert.match(result.invalid[0].reason, /nested deeper/);
});

test('the masking key is required', () => {
  assert.throws(() => transformContext({ extraAllowlist: [] }), ConfigError);
});
