import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBConnection } from '@duckdb/node-api';
import { openDuckDb } from '../../src/lake/duckdb';
import { eventLine, eventLinesText, lakeRowsFrom } from '../../src/lake/event-lines';
import { CanonicalEvent, LAKE_COLUMNS } from '../../src/model/canonical';
import { lakeEvent } from '../harness/lake';

let db: { connection: DuckDBConnection; close(): void };
let dir: string;
before(async () => {
  db = await openDuckDb({ threads: 1 });
  dir = mkdtempSync(path.join(tmpdir(), 'event-lines-'));
});
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The lake rows DuckDB makes of these events' lines, as JSON-safe objects. */
async function rowsOf(events: CanonicalEvent[]): Promise<Array<Record<string, unknown>>> {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.ndjson`);
  writeFileSync(file, eventLinesText(events.map(eventLine)));
  const reader = await db.connection.runAndReadAll(`SELECT * FROM ${lakeRowsFrom([file])}`);
  return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
}

const ID = 'a3c1f6e2-5b7d-4e8f-9a0b-1c2d3e4f5a6b';

test('an event without changes is one row with change_index 0 and null property and values, in the lake columns', async () => {
  const rows = await rowsOf([lakeEvent(ID, '2026-11-21T09:49:25.000Z', { userName: 'Jane Doe' })]);
  assert.equal(rows.length, 1);
  assert.deepEqual(
    Object.keys(rows[0]),
    LAKE_COLUMNS.map((c) => c.name),
    'every lake column, in order, and nothing else',
  );
  assert.deepEqual(rows[0], {
    event_id: ID,
    event_time: '2026-11-21 09:49:25',
    service_name: 'PeoplePermissions',
    level: 'USER',
    action: 'Update',
    status: 'SUCCESS',
    entity_type: 'Role',
    entity_id: 'role-1',
    entity_name: 'Admin',
    user_id: 'user-1',
    user_name: 'Jane Doe',
    client_id: null,
    remote_ip: '203.0.113.7',
    transaction_id: `tx-${ID}`,
    change_index: 0,
    property: null,
    old_value: null,
    new_value: null,
    source: 'api',
    extra: null,
  });
  const [type] = (
    await db.connection.runAndReadAll(
      `SELECT typeof(event_time) FROM ${lakeRowsFrom([path.join(dir, '*.ndjson')])} LIMIT 1`,
    )
  ).getRows()[0];
  assert.equal(type, 'TIMESTAMP_MS');
});

test('one row per property change: one value as is, several as a JSON array, none as null; extra once per row', async () => {
  const rows = await rowsOf([
    lakeEvent(ID, '2026-11-21T09:49:25.123Z', {
      propertyChanges: [
        { property: 'name', oldValues: ['Old'], newValues: ['New'] },
        { property: 'roles', oldValues: [], newValues: ['admin', 'say "hi"', 'é\t日本'] },
        { property: null, oldValues: ['x'], newValues: [] },
        { property: 'raw', oldValues: ['["a","b"]'], newValues: [''] },
      ],
      extra: { context: { reason: 'onboarding' }, transactionInitiator: false },
    }),
  ]);
  assert.deepEqual(
    rows.map((r) => [r.change_index, r.property, r.old_value, r.new_value]),
    [
      [0, 'name', 'Old', 'New'],
      [1, 'roles', null, JSON.stringify(['admin', 'say "hi"', 'é\t日本'])],
      [2, null, 'x', null],
      // A single value that looks like a JSON array is still the value as sent.
      [3, 'raw', '["a","b"]', ''],
    ],
  );
  for (const r of rows) {
    assert.equal(r.extra, '{"context":{"reason":"onboarding"},"transactionInitiator":false}');
    assert.equal(r.event_id, ID);
    assert.equal(r.event_time, '2026-11-21 09:49:25.123');
  }
});

test('rows keep file and line order, and events keep their own rows', async () => {
  const rows = await rowsOf([
    lakeEvent('b', '2026-11-21T10:00:00.000Z', {
      propertyChanges: [
        { property: 'p', oldValues: [], newValues: ['1'] },
        { property: 'q', oldValues: [], newValues: ['2'] },
      ],
    }),
    lakeEvent('a', '2026-11-21T09:00:00.000Z'),
  ]);
  assert.deepEqual(
    rows.map((r) => [r.event_id, r.change_index, r.property]),
    [
      ['b', 0, 'p'],
      ['b', 1, 'q'],
      ['a', 0, null],
    ],
  );
});

test('a lone surrogate (which DuckDB cannot read) becomes U+FFFD; an escaped backslash before "ud800" stays text', async () => {
  const event = lakeEvent(ID, '2026-11-21T09:49:25.000Z', { entityName: 'bad \ud800 text', userName: 'C:\\ud800' });
  const line = eventLine(event);
  assert.match(line, /bad \\ufffd text/);
  const [row] = await rowsOf([event]);
  assert.equal(row.entity_name, 'bad \ufffd text');
  assert.equal(row.user_name, 'C:\\ud800');
});
