import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SETTINGS } from '../../src/config/settings';
import { Minimizer } from '../../src/transform/minimize';
import { normalizeApi } from '../../src/transform/normalize-api';
import { normalizeTopic } from '../../src/transform/normalize-topic';

const DEFAULT_ALLOWLIST = SETTINGS.LAKE_EXTRA_ALLOWLIST.default.split(',');
const id = 'a3c1f6e2-5b7d-4e8f-9a0b-1c2d3e4f5a6b';

function apiRecord(): Record<string, unknown> {
  return {
    id,
    eventDate: '2026-11-21T09:49:25Z',
    userHomeOrgId: 'org-1',
    user: { id: 'u1', name: 'Jane', selfUri: '/api/v2/users/u1' },
    client: { id: 'c1', selfUri: '/api/v2/oauth/clients/c1' },
    entity: { id: 'e1', name: 'Admin', selfUri: '/api/v2/authorization/roles/e1' },
    message: {
      localizableMessageCode: 'CODE',
      message: 'Jane changed it',
      messageWithParams: '{user} changed it',
      messageParams: { user: 'Jane' },
    },
    application: 'Admin UI',
    initiatingAction: { transactionId: 'tx', actionContext: 'ctx' },
    transactionInitiator: true,
    context: { reason: 'r' },
    entityChanges: [{ entityId: 'e1', entityName: 'n', entityType: 'Role', oldValues: [], newValues: ['x'] }],
  };
}

test('the default allowlist drops selfUri and the message texts and keeps what checks use', () => {
  const event = new Minimizer(DEFAULT_ALLOWLIST).minimize(normalizeApi(apiRecord()));
  assert.deepEqual(event.extra, {
    userHomeOrgId: 'org-1',
    message: { localizableMessageCode: 'CODE', messageParams: { user: 'Jane' } },
    application: 'Admin UI',
    initiatingAction: { actionContext: 'ctx' },
    transactionInitiator: true,
    context: { reason: 'r' },
    entityChanges: [{ entityId: 'e1', entityName: 'n', entityType: 'Role', oldValues: [], newValues: ['x'] }],
  });
});

test('fields unknown to this version are always kept, at any depth', () => {
  const record = {
    ...apiRecord(),
    brandNew: { nested: ['kept'] },
    user: { id: 'u1', selfUri: '/x', email: 'new subfield' },
    message: { message: 'dropped', severity: 'new subfield' },
    entityChanges: [
      { entityId: 'e1', entityName: 'n' },
      { entityId: 'e2', parentId: 'p' },
    ],
    propertyChanges: [
      { property: 'a', newValues: ['1'] },
      { property: 'b', newValues: ['2'], reason: 'policy' },
    ],
  };
  const event = new Minimizer([]).minimize(normalizeApi(record));
  assert.deepEqual(event.extra, {
    user: { email: 'new subfield' },
    message: { severity: 'new subfield' },
    // Aligned with the entity changes: the first placeholder keeps the second in its place.
    entityChanges: [{}, { parentId: 'p' }],
    propertyChanges: [{}, { reason: 'policy' }],
    brandNew: { nested: ['kept'] },
  });
});

test('an allowlisted path keeps its whole subtree; a path inside an opaque map keeps only that key', () => {
  const record = { ...apiRecord(), context: { reason: 'r', other: 'o' } };
  const m = new Minimizer(['message', 'context.reason', 'entityChanges.entityName', 'user.selfUri']);
  assert.deepEqual(m.minimize(normalizeApi(record)).extra, {
    user: { selfUri: '/api/v2/users/u1' },
    message: {
      localizableMessageCode: 'CODE',
      message: 'Jane changed it',
      messageWithParams: '{user} changed it',
      messageParams: { user: 'Jane' },
    },
    context: { reason: 'r' },
    entityChanges: [{ entityName: 'n' }],
  });
});

test('with nothing dropped the event and its extra are the same objects; the input is not modified', () => {
  const m = new Minimizer(DEFAULT_ALLOWLIST);
  const lean = normalizeApi({ id, eventDate: '2026-11-21T09:49:25Z', context: { a: 'b' }, newField: 1 });
  assert.equal(m.minimize(lean), lean);
  const empty = normalizeApi({ id, eventDate: '2026-11-21T09:49:25Z' });
  assert.equal(m.minimize(empty), empty);

  const full = normalizeApi(apiRecord());
  const before = structuredClone(full);
  assert.notEqual(m.minimize(full), full);
  assert.deepEqual(full, before);
});

test('stream events are minimized against the topic schema', () => {
  const event = normalizeTopic({
    id,
    eventTime: '2026-11-21T09:49:25Z',
    userHomeOrgId: 'org-1',
    entity: { id: 'e1', selfUri: '/x' },
    clientId: { id: 'c1', selfUri: '/y' },
    message: { localizableMessageCode: 'CODE', message: 'text' },
    eventTimeZone: 'new field',
  });
  assert.deepEqual(new Minimizer(DEFAULT_ALLOWLIST).minimize(event).extra, {
    userHomeOrgId: 'org-1',
    message: { localizableMessageCode: 'CODE' },
    eventTimeZone: 'new field',
  });
});

test('a known field in a shape this version does not expect is kept as sent', () => {
  const event = normalizeApi({
    id,
    eventDate: '2026-11-21T09:49:25Z',
    message: 'a plain string now',
    entityChanges: { not: 'an array' },
  });
  const extra = new Minimizer([]).minimize(event).extra;
  assert.equal(extra.message, 'a plain string now');
  assert.deepEqual(extra.entityChanges, { not: 'an array' });
});
