import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { test } from 'node:test';
import { Secret } from '../../src/config/secret';
import { SETTINGS } from '../../src/config/settings';
import { loadConfig } from '../../src/config/config';
import type { CanonicalEvent } from '../../src/model/canonical';
import { quarantinedRecord } from '../../src/transform/quarantine';
import { DROPPED_NAME } from '../../src/transform/person-names';
import { transformBatch, transformContext } from '../../src/transform/pipeline';
import type { PersonNamePolicy } from '../../src/transform/person-names';

const KEY = 'names-test-key-0123456789abcdef-0123456789';
const keyId = createHash('sha256').update(KEY).digest('hex').slice(0, 8);

/** The token the README defines: HMAC-SHA256 under the key of "person", NUL, the normalized name; 16 hex. */
function personToken(normal: string): string {
  return `person#${keyId}:${createHmac('sha256', KEY).update(`person\u0000${normal}`).digest('hex').slice(0, 16)}`;
}

const context = (personNames?: PersonNamePolicy) =>
  transformContext({
    hmacKey: new Secret(KEY),
    extraAllowlist: SETTINGS.LAKE_EXTRA_ALLOWLIST.default.split(','),
    personNames,
  });

const USER = 'd7ff136e-8f5a-4878-a0ae-e2138ad0345d';
const OTHER = '46a10c81-ca63-4bfe-bc9d-3fbf41ee06b5';

/** An API record of a user entity, with names of people in every place they occur. */
function apiRecord(): Record<string, unknown> {
  return {
    id: '128b506d-0a67-4e8c-a27c-fd3ed9566094',
    eventDate: '2026-11-21T09:49:25.000Z',
    user: { id: USER, name: 'Jane Doe', selfUri: `/api/v2/users/${USER}` },
    serviceName: 'Directory',
    level: 'USER',
    action: 'Update',
    entityType: 'User',
    entity: { id: OTHER, name: 'Hannah Schmidt' },
    status: 'SUCCESS',
    message: {
      localizableMessageCode: 'AUDIT_USER_UPDATE',
      message: 'User "Hannah Schmidt" updated by Jane Doe',
      messageParams: { entityType: 'User', entityName: 'Hannah Schmidt', userName: 'Omar Haddad' },
    },
    propertyChanges: [
      { property: 'name', oldValues: ['Hannah Smith'], newValues: ['Hannah Schmidt'] },
      { property: 'department', oldValues: ['Sales'], newValues: ['Support'] },
      { property: 'email', oldValues: ['hannah.smith@example.com'], newValues: [] },
    ],
    context: { note: 'renamed at the request of Hannah Schmidt' },
    entityChanges: [{ entityId: OTHER, entityName: 'Hannah Schmidt', entityType: 'User' }],
  };
}

/** A topic record (EventBridge): username.name and a userDisplay that says more. */
function topicRecord(): Record<string, unknown> {
  return {
    id: '9f3b506d-0a67-4e8c-a27c-fd3ed9566094',
    userId: USER,
    username: { id: USER, name: 'Jane Doe' },
    userDisplay: 'Jane Doe (Support)',
    serviceName: 'PeoplePermissions',
    eventTime: '2026-11-21T09:49:25.000Z',
    action: 'Update',
    entityType: 'Role',
    entity: { id: OTHER, name: 'Master Admin' },
    propertyChanges: [{ property: 'name', oldValues: ['Admin'], newValues: ['Master Admin'] }],
  };
}

const NAMES = /jane|doe|hannah|schmidt|smith|omar|haddad/i;

function one(records: unknown[], source: 'api' | 'stream', policy?: PersonNamePolicy): CanonicalEvent {
  const result = transformBatch(records, source, context(policy));
  assert.deepEqual(result.invalid, []);
  return result.events[0];
}

test('pseudonymize (the default): every name of a person becomes its keyed token, stable, case and spacing ignored', () => {
  const event = one([apiRecord()], 'api');
  assert.equal(event.userName, personToken('jane doe'));
  assert.equal(event.entityName, personToken('hannah schmidt'));
  assert.deepEqual(event.propertyChanges[0], {
    property: 'name',
    oldValues: [personToken('hannah smith')],
    newValues: [personToken('hannah schmidt')],
  });
  assert.deepEqual(
    event.propertyChanges[1],
    { property: 'department', oldValues: ['Sales'], newValues: ['Support'] },
    'other properties untouched',
  );
  assert.deepEqual(event.propertyChanges[2].oldValues, ['***@example.com'], 'emails still masked');
  const params = (event.extra.message as { messageParams: Record<string, string> }).messageParams;
  assert.deepEqual(params, {
    entityType: 'User',
    entityName: personToken('hannah schmidt'),
    userName: personToken('omar haddad'),
  });
  assert.equal(
    (event.extra.context as Record<string, string>).note,
    `renamed at the request of ${personToken('hannah schmidt')}`,
    'a known name inside a text',
  );
  assert.deepEqual(event.extra.entityChanges, [
    { entityId: OTHER, entityName: personToken('hannah schmidt'), entityType: 'User' },
  ]);
  assert.doesNotMatch(JSON.stringify(event), NAMES);
  // Ids stay: the checks key on them.
  assert.equal(event.userId, USER);
  assert.equal(event.entityId, OTHER);

  // The same person written otherwise, on another day, in the stream: the same token.
  const stream = one([{ ...topicRecord(), username: { id: USER, name: '  JANE   doe ' } }], 'stream');
  assert.equal(stream.userName, personToken('jane doe'));
  assert.equal(stream.extra.userDisplay, personToken('jane doe (support)'));
  assert.equal(stream.entityName, 'Master Admin', 'a role is no person: its name stays');
  assert.deepEqual(stream.propertyChanges[0].newValues, ['Master Admin'], 'name properties of other entities stay');
});

test('a user named by an email address gets a person token, not ***@domain', () => {
  const record = { ...apiRecord(), user: { id: USER, name: 'JANE.DOE@EXAMPLE.COM' } };
  assert.equal(one([record], 'api').userName, personToken('jane.doe@example.com'));
  assert.equal(one([record], 'api', 'keep').userName, '***@example.com', 'kept names are still masked');
});

test('keep stores names as sent; drop removes them', () => {
  const kept = one([apiRecord()], 'api', 'keep');
  assert.equal(kept.userName, 'Jane Doe');
  assert.equal(kept.entityName, 'Hannah Schmidt');
  assert.deepEqual(kept.propertyChanges[0].newValues, ['Hannah Schmidt']);

  const dropped = one([apiRecord()], 'api', 'drop');
  assert.equal(dropped.userName, null);
  assert.equal(dropped.entityName, null);
  assert.deepEqual(dropped.propertyChanges[0], {
    property: 'name',
    oldValues: [DROPPED_NAME],
    newValues: [DROPPED_NAME],
  });
  const params = (dropped.extra.message as { messageParams: Record<string, string> }).messageParams;
  assert.deepEqual(params, { entityType: 'User' });
  assert.doesNotMatch(JSON.stringify(dropped), NAMES);
  assert.doesNotMatch(JSON.stringify(dropped), /person#/, 'no token either');
  const stream = one([topicRecord()], 'stream', 'drop');
  assert.equal(stream.userName, null);
  assert.equal('userDisplay' in stream.extra, false);
  assert.equal(stream.userId, USER);
});

test('another key gives other tokens; MASK_PERSON_NAMES is validated and defaults to pseudonymize', () => {
  const other = transformContext({
    hmacKey: new Secret('another-key-0123456789abcdef-0123456789'),
    extraAllowlist: [],
  });
  assert.notEqual(other.masker.personToken('Jane Doe'), personToken('jane doe'));
  assert.equal(context().masker.personToken('Jane Doe'), context().masker.personToken('jane  DOE'));
  assert.notEqual(context().masker.personToken('Jane Doe'), context().masker.personToken('Jane Do'));
  assert.equal(loadConfig({}).mask.personNames, 'pseudonymize');
  assert.equal(loadConfig({ MASK_PERSON_NAMES: 'drop' }).mask.personNames, 'drop');
  assert.throws(
    () => loadConfig({ MASK_PERSON_NAMES: 'hash' }),
    /MASK_PERSON_NAMES: expected keep, pseudonymize or drop/,
  );
});

test('a record kept in quarantine (it could not be normalized) has its names replaced too, in either shape and inside an envelope', () => {
  const ctx = context();
  const bad = { ...apiRecord(), eventDate: 'not a date' };
  assert.equal(transformBatch([bad], 'api', ctx).invalid.length, 1);
  const kept = JSON.stringify(quarantinedRecord(ctx, { type: 'invalid', reason: 'eventDate' }, bad));
  assert.doesNotMatch(kept, NAMES);
  assert.ok(kept.includes(personToken('jane doe')) && kept.includes(personToken('hannah schmidt')));
  const envelope = {
    'detail-type': 'v2.audits.entitytype.{id}.entityid.{id}',
    detail: { eventBody: { ...topicRecord(), eventTime: 42 } },
  };
  const keptStream = JSON.stringify(quarantinedRecord(ctx, { type: 'invalid', reason: 'eventTime' }, envelope));
  assert.doesNotMatch(keptStream, NAMES);
  assert.ok(keptStream.includes(personToken('jane doe')));
});
