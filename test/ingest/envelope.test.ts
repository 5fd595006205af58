/** The pure parts of the ingest: envelope verdicts, salvage of a cut body, decoding, the checkpoint. */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { advanceCheckpoint, alreadyProcessed, EMPTY_CHECKPOINT, listingStart } from '../../src/ingest/checkpoint';
import { decodeRawObject, lines } from '../../src/ingest/decode';
import { classifyEnvelope, classifyLine } from '../../src/ingest/envelope';
import { salvageStrings, salvageTopLevelStrings } from '../../src/ingest/salvage';
import { InvalidDataError } from '../../src/errors';

// reference/eventbridge-audit-event-sample.json (Genesys' EventBridge blueprint).
const SAMPLE = {
  version: '0',
  id: 'e9938ff0-50e2-45f8-950f-ad02d95fee85',
  'detail-type': 'v2.audits.entitytype.{id}.entityid.{id}',
  source: 'aws.partner/genesys.com/cloud/23faea37-1117-4c0a-88a2-572c46780b03/quickstart-test',
  account: '490606849374',
  time: '2021-05-31T09:49:26Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    topicName: 'v2.audits.entitytype.OAuthClient.entityid.46a10c81-ca63-4bfe-bc9d-3fbf41ee06b5',
    version: '2',
    eventBody: {
      id: '128b506d-0a67-4e8c-a27c-fd3ed9566094',
      userId: 'd7ff136e-8f5a-4878-a0ae-e2138ad0345d',
      userHomeOrgId: '23faea37-1117-4c0a-88a2-572c46780b03',
      username: { id: '' },
      clientId: { id: '46a10c81-ca63-4bfe-bc9d-3fbf41ee06b5' },
      serviceName: 'PeoplePermissions',
      eventTime: '2021-05-31T09:49:25.000Z',
      action: 'Delete',
      entityType: 'OAuthClient',
      entity: { id: '46a10c81-ca63-4bfe-bc9d-3fbf41ee06b5', name: 'My OAuth Client' },
      propertyChanges: [
        { property: 'deleted_on', newValues: ['2021-05-31T09:44:53Z'] },
        { property: 'scopes', oldValues: ['users'] },
      ],
    },
    metadata: { CorrelationId: '8f725aa1-d831-4fb3-a8ea-9ccf7d44db68-archival' },
    timestamp: '2021-05-31T09:49:26.031Z',
  },
};
const clone = () => JSON.parse(JSON.stringify(SAMPLE));

test('the documented sample is a complete audit event', () => {
  const v = classifyEnvelope(clone());
  assert.equal(v.kind, 'event');
  assert.equal(v.kind === 'event' && v.eventId, '128b506d-0a67-4e8c-a27c-fd3ed9566094');
});

test('marked truncated, missing fields or unparsable: rehydrate by id, with the entity from the topic', () => {
  const truncated = clone();
  truncated.detail.truncated = true;
  const t = classifyEnvelope(truncated);
  assert.ok(
    t.kind === 'rehydrate' &&
      t.request.reason === 'truncated' &&
      t.request.entityType === 'OAuthClient' &&
      t.request.entityId === '46a10c81-ca63-4bfe-bc9d-3fbf41ee06b5',
  );

  const missing = clone();
  delete missing.detail.eventBody.action;
  delete missing.detail.eventBody.entity;
  const m = classifyEnvelope(missing);
  assert.ok(
    m.kind === 'rehydrate' && m.request.reason === 'missing-fields' && m.request.detail === 'action, entity.id',
  );

  const cut = clone();
  const text = JSON.stringify(cut.detail.eventBody);
  cut.detail.eventBody = text.slice(0, text.indexOf('"entityType"'));
  const u = classifyEnvelope(cut);
  assert.ok(u.kind === 'rehydrate' && u.request.reason === 'unparsable');
  assert.equal(u.kind === 'rehydrate' && u.request.eventId, '128b506d-0a67-4e8c-a27c-fd3ed9566094');
  assert.equal(u.kind === 'rehydrate' && u.request.eventTime, '2021-05-31T09:49:25.000Z');
  assert.equal(u.kind === 'rehydrate' && u.request.eventTimeKnown, true);

  // Cut before eventTime: the envelope's time stands in for it.
  const early = clone();
  early.detail.eventBody = JSON.stringify(early.detail.eventBody).slice(0, 60);
  const e = classifyEnvelope(early);
  assert.ok(e.kind === 'rehydrate' && !e.request.eventTimeKnown && e.request.eventTime === '2021-05-31T09:49:26.031Z');
});

test('a line cut mid-envelope: rehydrated (truncated) by the eventBody id, never by the envelope id', () => {
  const line = JSON.stringify(SAMPLE);
  // Cut after the eventBody's id and eventTime (inside propertyChanges).
  const late = classifyLine(line.slice(0, line.indexOf('"scopes"')));
  assert.equal(late.kind, 'rehydrate');
  assert.deepEqual(late.kind === 'rehydrate' && late.request, {
    eventId: '128b506d-0a67-4e8c-a27c-fd3ed9566094',
    eventTime: '2021-05-31T09:49:25.000Z',
    eventTimeKnown: true,
    entityType: 'OAuthClient',
    entityId: '46a10c81-ca63-4bfe-bc9d-3fbf41ee06b5',
    reason: 'truncated',
  });

  // Cut after the id but before eventTime: the envelope's time stands in for it.
  const early = classifyLine(line.slice(0, line.indexOf('"userId"')));
  assert.ok(early.kind === 'rehydrate' && early.request.eventId === '128b506d-0a67-4e8c-a27c-fd3ed9566094');
  assert.ok(
    early.kind === 'rehydrate' &&
      !early.request.eventTimeKnown &&
      early.request.eventTime === '2021-05-31T09:49:26.000Z',
  );

  // Cut before the eventBody id: nothing to fetch by; the envelope's own id (a UUID) is not taken.
  const before = line.slice(0, line.indexOf('"128b506d'));
  assert.ok(before.includes('"id": "e9938ff0') || before.includes('"id":"e9938ff0'));
  const q = classifyLine(before);
  assert.ok(q.kind === 'quarantine' && q.reason === 'line is not JSON' && q.record === before);

  // An envelope id and an id nested elsewhere in detail, but no eventBody id: no id is taken.
  const other = `{"id":"e9938ff0-50e2-45f8-950f-ad02d95fee85","detail-type":"${SAMPLE['detail-type']}","detail":{"metadata":{"id":"8f725aa1-d831-4fb3-a8ea-9ccf7d44db68"},"eventBody":{"username":{"id":"d7ff136e-8f5a-4878-a0ae-e2138ad0345d"},"propertyChanges":[{"id":"23faea37-1117-4c0a-88a2-572c46780b03"`;
  assert.equal(classifyLine(other).kind, 'quarantine');

  // An id that is not a UUID is not trusted (nor shown).
  const notUuid = classifyLine(
    line.replace('128b506d-0a67-4e8c-a27c-fd3ed9566094', 'jane@example.com').slice(0, line.indexOf('"scopes"')),
  );
  assert.ok(notUuid.kind === 'quarantine' && !notUuid.reason.includes('jane'));

  // A cut line of another topic stays quarantined.
  const otherTopic = line.replace(SAMPLE['detail-type'], 'v2.users.{id}.presence');
  assert.equal(classifyLine(otherTopic.slice(0, otherTopic.indexOf('"scopes"'))).kind, 'quarantine');
});

test('other shapes are quarantined with a reason naming fields, not values', () => {
  assert.equal(classifyLine('not json').kind, 'quarantine');
  const other = clone();
  other['detail-type'] = 'v2.users.{id}.presence';
  assert.match((classifyEnvelope(other) as { reason: string }).reason, /not the audit topic/);
  const topic = clone();
  topic.detail.topicName = 'something else';
  assert.match((classifyEnvelope(topic) as { reason: string }).reason, /topicName/);
  const noId = clone();
  noId.detail.truncated = true;
  noId.detail.eventBody.id = 'jane@example.com';
  const q = classifyEnvelope(noId);
  assert.ok(q.kind === 'quarantine' && !q.reason.includes('jane'));
});

test('salvage reads top-level strings only, never a nested id', () => {
  const text =
    '{"username":{"id":"nested"},"id":"top","eventTime":"2021-05-31T09:49:25.000Z","propertyChanges":[{"property":"x","newValues":["a"';
  assert.deepEqual(salvageTopLevelStrings(text, ['id', 'eventTime']), {
    id: 'top',
    eventTime: '2021-05-31T09:49:25.000Z',
  });
  assert.deepEqual(salvageTopLevelStrings('{"id":"ab', ['id']), {});
  assert.deepEqual(
    salvageStrings('{"id":"env","detail":{"a":[{"eventBody":{"id":"no"}}],"eventBody":{"x":{"id":"no"},"id":"yes"', [
      'detail.eventBody.id',
      'id',
    ]),
    {
      id: 'env',
      'detail.eventBody.id': 'yes',
    },
  );
});

test('decoding: gzip by magic bytes, plain text as is, broken gzip and bombs refused', () => {
  const text = '{"a":1}\r\n\n{"b":2}\n';
  assert.deepEqual([...lines(decodeRawObject(gzipSync(text)))], ['{"a":1}', '{"b":2}']);
  assert.deepEqual([...lines(decodeRawObject(Buffer.from(text)))], ['{"a":1}', '{"b":2}']);
  const gz = gzipSync(Buffer.alloc(10_000, 0x61));
  assert.throws(() => decodeRawObject(gz.subarray(0, gz.length - 10)), InvalidDataError);
  assert.throws(() => decodeRawObject(gz, 1000), /expands past 1000/);
});

test('checkpoint: late keys inside the grace window are picked up once; the state stays small', () => {
  const p = 'raw/';
  const k = (hh: string, mm: string, id: string) => `${p}2026/11/20/${hh}/s-1-2026-11-20-${hh}-${mm}-00-${id}.gz`;
  let cp = advanceCheckpoint(EMPTY_CHECKPOINT, [k('10', '00', 'b'), k('10', '05', 'a')], p, 60);
  assert.equal(cp.lastKey, k('10', '05', 'a'));
  assert.equal(listingStart(cp, p, 60), `${p}2026/11/20/09`);
  assert.ok(alreadyProcessed(cp, p, k('10', '00', 'b')));
  // Landed late with an earlier name: not processed yet.
  assert.ok(!alreadyProcessed(cp, p, k('10', '00', 'a')));
  cp = advanceCheckpoint(cp, [k('10', '00', 'a'), k('12', '00', 'c')], p, 60);
  assert.equal(cp.lastKey, k('12', '00', 'c'));
  // Keys of hour 10 fell out of the window (hours 11 and 12 are kept).
  assert.equal(cp.recent.length, 1);
  assert.equal(listingStart(cp, p, 60), `${p}2026/11/20/11`);
});
