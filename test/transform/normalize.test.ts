import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidDataError } from '../../src/errors';
import { normalizeApi } from '../../src/transform/normalize-api';
import { eventBodyOf, normalizeTopic } from '../../src/transform/normalize-topic';
import { unknownFields } from '../../src/transform/schema';
// A copy of the project's reference sample (Genesys' EventBridge blueprint).
import SAMPLE from './eventbridge-audit-event-sample.json';

/** Every AuditLogMessage field of the swagger, filled. */
function fullApiRecord(): Record<string, unknown> {
  return {
    id: 'a3c1f6e2-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
    userHomeOrgId: '23faea37-1117-4c0a-88a2-572c46780b03',
    user: { id: 'd7ff136e-8f5a-4878-a0ae-e2138ad0345d', name: 'Jane Doe', selfUri: '/api/v2/users/d7ff136e' },
    client: { id: '46a10c81-ca63-4bfe-bc9d-3fbf41ee06b5', selfUri: '/api/v2/oauth/clients/46a10c81' },
    remoteIp: ['203.0.113.7', '10.0.0.1'],
    serviceName: 'PeoplePermissions',
    level: 'USER',
    eventDate: '2026-11-21T10:49:25.120+01:00',
    message: {
      localizableMessageCode: 'ROLE_GRANTED',
      message: 'Role granted',
      messageWithParams: 'Role {r}',
      messageParams: { r: 'admin' },
    },
    action: 'Add',
    entity: { id: 'e0000000-0000-4000-8000-000000000001', name: 'Admin', selfUri: '/api/v2/authorization/roles/e0' },
    entityType: 'Role',
    status: 'SUCCESS',
    application: 'Genesys Cloud Admin UI',
    initiatingAction: { transactionId: 'tx-1', actionContext: 'bulk grant' },
    transactionInitiator: true,
    propertyChanges: [{ property: 'roles', oldValues: [], newValues: ['admin', 'supervisor'] }],
    context: { reason: 'onboarding' },
    entityChanges: [{ entityId: 'e1', entityName: 'Admin', entityType: 'Role', oldValues: [], newValues: ['x'] }],
  };
}

function invalid(fn: () => unknown): InvalidDataError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InvalidDataError, `expected InvalidDataError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an InvalidDataError');
}

test('an AuditLogMessage becomes a canonical event; uncolumned fields go to extra, nested as sent', () => {
  const event = normalizeApi(fullApiRecord());
  assert.deepEqual(event, {
    eventId: 'a3c1f6e2-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
    eventTime: '2026-11-21T09:49:25.120Z',
    serviceName: 'PeoplePermissions',
    level: 'USER',
    action: 'Add',
    status: 'SUCCESS',
    entityType: 'Role',
    entityId: 'e0000000-0000-4000-8000-000000000001',
    entityName: 'Admin',
    userId: 'd7ff136e-8f5a-4878-a0ae-e2138ad0345d',
    userName: 'Jane Doe',
    clientId: '46a10c81-ca63-4bfe-bc9d-3fbf41ee06b5',
    remoteIp: '203.0.113.7, 10.0.0.1',
    transactionId: 'tx-1',
    source: 'api',
    propertyChanges: [{ property: 'roles', oldValues: [], newValues: ['admin', 'supervisor'] }],
    extra: {
      userHomeOrgId: '23faea37-1117-4c0a-88a2-572c46780b03',
      user: { selfUri: '/api/v2/users/d7ff136e' },
      client: { selfUri: '/api/v2/oauth/clients/46a10c81' },
      message: {
        localizableMessageCode: 'ROLE_GRANTED',
        message: 'Role granted',
        messageWithParams: 'Role {r}',
        messageParams: { r: 'admin' },
      },
      entity: { selfUri: '/api/v2/authorization/roles/e0' },
      application: 'Genesys Cloud Admin UI',
      initiatingAction: { actionContext: 'bulk grant' },
      transactionInitiator: true,
      context: { reason: 'onboarding' },
      entityChanges: [{ entityId: 'e1', entityName: 'Admin', entityType: 'Role', oldValues: [], newValues: ['x'] }],
    },
  });
});

test('the swagger fields are all known; unknown ones are reported and kept in extra, nested', () => {
  assert.deepEqual(unknownFields(fullApiRecord(), 'api'), []);
  const record = {
    ...fullApiRecord(),
    riskScore: 7,
    user: { id: 'u1', name: 'Jane', email: 'x' },
    propertyChanges: [
      { property: 'p', newValues: ['1'] },
      { property: 'q', reason: 'policy', newValues: [] },
    ],
    entityChanges: [{ entityId: 'e1', parent: { id: 'p1' } }],
    context: { anyKey: 'context keys are data, not schema' },
  };
  assert.deepEqual(unknownFields(record, 'api'), [
    'entityChanges.parent',
    'propertyChanges.reason',
    'riskScore',
    'user.email',
  ]);
  const event = normalizeApi(record);
  assert.equal(event.extra.riskScore, 7);
  assert.deepEqual(event.extra.user, { email: 'x' });
  // Aligned with the changes, so the reason stays with its property.
  assert.deepEqual(event.extra.propertyChanges, [{}, { reason: 'policy' }]);
  assert.deepEqual(event.extra.entityChanges, [{ entityId: 'e1', parent: { id: 'p1' } }]);
});

test('a minimal record: absent, null and empty fields become null, unknown enum values are data', () => {
  const event = normalizeApi({
    id: 'a3c1f6e2-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
    eventDate: '2026-11-21T09:49:25Z',
    client: { id: '' },
    user: { id: '' },
    level: 'SOMETHING_NEW',
    status: 'PARTIAL',
    serviceName: 'ServiceFromNextYear',
    action: null,
    initiatingAction: {},
    remoteIp: [],
    application: '',
  });
  assert.equal(event.eventTime, '2026-11-21T09:49:25.000Z');
  assert.equal(event.clientId, null);
  assert.equal(event.userId, null);
  assert.equal(event.action, null);
  assert.equal(event.remoteIp, null);
  assert.equal(event.transactionId, null);
  assert.equal(event.level, 'SOMETHING_NEW');
  assert.equal(event.status, 'PARTIAL');
  assert.equal(event.serviceName, 'ServiceFromNextYear');
  assert.deepEqual(event.propertyChanges, []);
  // An empty client/user/initiatingAction carries nothing; application "" is what the source sent.
  assert.deepEqual(event.extra, { application: '' });
});

test('normalization does not modify the raw record', () => {
  const record = fullApiRecord();
  const before = structuredClone(record);
  normalizeApi(record);
  assert.deepEqual(record, before);
});

test('the EventBridge sample becomes a stream event', () => {
  const body = eventBodyOf(structuredClone(SAMPLE));
  assert.deepEqual(unknownFields(body, 'stream'), []);
  const event = normalizeTopic(body);
  assert.deepEqual(event, {
    eventId: '128b506d-0a67-4e8c-a27c-fd3ed9566094',
    eventTime: '2021-05-31T09:49:25.000Z',
    serviceName: 'PeoplePermissions',
    level: null,
    action: 'Delete',
    status: null,
    entityType: 'OAuthClient',
    entityId: '46a10c81-ca63-4bfe-bc9d-3fbf41ee06b5',
    entityName: 'My OAuth Client',
    userId: 'd7ff136e-8f5a-4878-a0ae-e2138ad0345d',
    userName: null,
    clientId: '46a10c81-ca63-4bfe-bc9d-3fbf41ee06b5',
    remoteIp: null,
    transactionId: null,
    source: 'stream',
    propertyChanges: [
      { property: 'deleted_on', oldValues: [], newValues: ['2021-05-31T09:44:53Z'] },
      { property: 'scopes', oldValues: ['users'], newValues: [] },
    ],
    extra: { userHomeOrgId: '23faea37-1117-4c0a-88a2-572c46780b03' },
  });
});

test('topic user fields: username.name, else userDisplay; a differing second id or display is kept', () => {
  const base = { id: 'a3c1f6e2-5b7d-4e8f-9a0b-1c2d3e4f5a6b', eventTime: '2021-05-31T09:49:25+00:00' };
  const named = normalizeTopic({
    ...base,
    userId: 'u1',
    username: { id: 'u1', name: 'Jane Doe' },
    userDisplay: 'Jane Doe',
  });
  assert.equal(named.userName, 'Jane Doe');
  assert.equal(named.userId, 'u1');
  assert.deepEqual(named.extra, {});

  const displayed = normalizeTopic({ ...base, username: { id: 'u2' }, userDisplay: 'J. Doe', clientId: { id: '' } });
  assert.equal(displayed.userName, 'J. Doe');
  assert.equal(displayed.userId, 'u2');
  assert.equal(displayed.clientId, null);
  assert.deepEqual(displayed.extra, {});

  const bothRecord = {
    ...base,
    userId: 'u1',
    username: { id: 'u9', name: 'Jane Doe' },
    userDisplay: 'Someone Else',
    status: 'NEW',
  };
  assert.deepEqual(unknownFields(bothRecord, 'stream'), ['status']);
  assert.deepEqual(unknownFields(bothRecord, 'api'), ['eventTime', 'userDisplay', 'userId', 'username']);
  const both = normalizeTopic(bothRecord);
  assert.equal(both.userId, 'u1');
  assert.equal(both.status, null); // the topic has no status; an unexpected one is kept in extra
  assert.deepEqual(both.extra, { username: { id: 'u9' }, userDisplay: 'Someone Else', status: 'NEW' });
});

test('bad records are InvalidDataErrors naming the event and the field, never a value', () => {
  const id = 'a3c1f6e2-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
  const secretish = 'jane.doe@example.com';
  const cases: Array<[unknown, RegExp]> = [
    [null, /expected a JSON object/],
    [[fullApiRecord()], /expected a JSON object/],
    [{ eventDate: '2026-11-21T09:49:25Z' }, /without an id: field id/],
    [{ id: '', eventDate: '2026-11-21T09:49:25Z' }, /without an id: field id/],
    [{ id: 42, eventDate: '2026-11-21T09:49:25Z' }, /without an id: field id/],
    [{ id }, new RegExp(`audit event ${id}: field eventDate: expected a date-time, found none`)],
    [{ id, eventDate: secretish }, new RegExp(`audit event ${id}: field eventDate: expected an ISO-8601 date-time`)],
    [{ id, eventDate: '2026-02-30T00:00:00Z' }, /field eventDate/],
    [{ id, eventDate: 1622454565000 }, /field eventDate/],
    [{ id, eventDate: '2026-11-21T09:49:25Z', remoteIp: secretish }, /field remoteIp: expected an array of strings/],
    [{ id, eventDate: '2026-11-21T09:49:25Z', remoteIp: ['1.2.3.4', 5] }, /field remoteIp\[1\]: expected a string/],
    [{ id, eventDate: '2026-11-21T09:49:25Z', user: secretish }, /field user: expected an object/],
    [{ id, eventDate: '2026-11-21T09:49:25Z', user: { name: 7 } }, /field user.name: expected a string/],
    [{ id, eventDate: '2026-11-21T09:49:25Z', action: { secretish } }, /field action: expected a string/],
    [{ id, eventDate: '2026-11-21T09:49:25Z', propertyChanges: {} }, /field propertyChanges: expected an array/],
    [
      { id, eventDate: '2026-11-21T09:49:25Z', propertyChanges: [secretish] },
      /field propertyChanges\[0\]: expected an object/,
    ],
    [
      { id, eventDate: '2026-11-21T09:49:25Z', propertyChanges: [{ property: 'a' }, { newValues: [secretish, 3] }] },
      /field propertyChanges\[1\]\.newValues\[1\]: expected a string/,
    ],
  ];
  for (const [record, message] of cases) {
    const err = invalid(() => normalizeApi(record));
    assert.match(err.message, message);
    assert.ok(!err.message.includes('jane'), err.message);
    assert.equal(err.retryable, false);
  }
  // An id that is not a UUID is not shown: it could be anything.
  const odd = invalid(() => normalizeApi({ id: secretish, eventDate: 'x' }));
  assert.match(odd.message, /id not a UUID, not shown\): field eventDate/);
  assert.ok(!odd.message.includes('jane'));

  assert.match(invalid(() => normalizeTopic({ id, eventDate: '2026-11-21T09:49:25Z' })).message, /field eventTime/);
  assert.match(
    invalid(() => normalizeTopic({ id, eventTime: '2026-11-21T09:49:25Z', clientId: 'x' })).message,
    /field clientId: expected an object/,
  );
  assert.match(invalid(() => eventBodyOf({ detail: {} })).message, /detail\.eventBody/);
});
