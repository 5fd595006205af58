import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CanonicalEvent, LAKE_COLUMNS } from '../../src/model/canonical';
import { flatten, valueText } from '../../src/transform/flatten';

function event(overrides: Partial<CanonicalEvent> = {}): CanonicalEvent {
  return {
    eventId: 'a3c1f6e2-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
    eventTime: '2026-11-21T09:49:25.000Z',
    serviceName: 'PeoplePermissions',
    level: 'USER',
    action: 'Update',
    status: 'SUCCESS',
    entityType: 'Role',
    entityId: 'e1',
    entityName: 'Admin',
    userId: 'u1',
    userName: 'Jane Doe',
    clientId: null,
    remoteIp: '203.0.113.7',
    transactionId: 'tx-1',
    source: 'api',
    propertyChanges: [],
    extra: {},
    ...overrides,
  };
}

test('an event without changes is one row with change_index 0 and null property and values', () => {
  const rows = flatten(event());
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0], {
    event_id: 'a3c1f6e2-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
    event_time: '2026-11-21T09:49:25.000Z',
    service_name: 'PeoplePermissions',
    level: 'USER',
    action: 'Update',
    status: 'SUCCESS',
    entity_type: 'Role',
    entity_id: 'e1',
    entity_name: 'Admin',
    user_id: 'u1',
    user_name: 'Jane Doe',
    client_id: null,
    remote_ip: '203.0.113.7',
    transaction_id: 'tx-1',
    change_index: 0,
    property: null,
    old_value: null,
    new_value: null,
    source: 'api',
    extra: null,
  });
  // Every lake column, in LAKE_COLUMNS order, and nothing else.
  assert.deepEqual(Object.keys(rows[0]), LAKE_COLUMNS.map((c) => c.name));
});

test('one row per property change: one value as is, several as a JSON array, none as null', () => {
  const rows = flatten(
    event({
      propertyChanges: [
        { property: 'name', oldValues: ['Old'], newValues: ['New'] },
        { property: 'roles', oldValues: [], newValues: ['admin', 'say "hi"'] },
        { property: null, oldValues: ['x'], newValues: [] },
      ],
      extra: { context: { reason: 'onboarding' }, transactionInitiator: false },
    }),
  );
  assert.deepEqual(
    rows.map((r) => [r.change_index, r.property, r.old_value, r.new_value]),
    [
      [0, 'name', 'Old', 'New'],
      [1, 'roles', null, '["admin","say \\"hi\\""]'],
      [2, null, 'x', null],
    ],
  );
  for (const r of rows) {
    assert.equal(r.extra, '{"context":{"reason":"onboarding"},"transactionInitiator":false}');
    assert.equal(r.event_id, 'a3c1f6e2-5b7d-4e8f-9a0b-1c2d3e4f5a6b');
  }
  assert.deepEqual(JSON.parse(rows[1].new_value!), ['admin', 'say "hi"']);
});

test('a single value that looks like a JSON array is still the value as sent', () => {
  assert.equal(valueText(['["a","b"]']), '["a","b"]');
  assert.equal(valueText(['']), '');
  assert.equal(valueText([]), null);
});

test('flatten appends to a given array', () => {
  const rows = flatten(event());
  flatten(event({ eventId: 'second', propertyChanges: [{ property: 'p', oldValues: [], newValues: ['1'] }] }), rows);
  assert.deepEqual(rows.map((r) => r.event_id), ['a3c1f6e2-5b7d-4e8f-9a0b-1c2d3e4f5a6b', 'second']);
});
