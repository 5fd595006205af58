import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { openDuckDb, sqlString } from '../../src/lake/duckdb';
import { PARQUET_OPTIONS } from '../../src/lake/parquet';
import { LAKE_COLUMNS, LakeRow } from '../../src/model/canonical';
import { lakeEvents } from '../../src/ocsf/export-day';
import { OcsfSourceEvent } from '../../src/ocsf/mapping';

const dir = mkdtempSync(path.join(tmpdir(), 'lake-events-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const row = (
  eventId: string,
  changeIndex: number,
  property: string | null,
  time = '2026-11-20 10:00:00.123',
): LakeRow => ({
  event_id: eventId,
  event_time: time,
  service_name: 'Directory',
  level: 'USER',
  action: 'Update',
  status: 'SUCCESS',
  entity_type: 'User',
  entity_id: `entity-${eventId}`,
  entity_name: null,
  user_id: 'u1',
  user_name: null,
  client_id: null,
  remote_ip: null,
  transaction_id: null,
  change_index: changeIndex,
  property,
  old_value: property && 'old',
  new_value: property && 'new',
  source: 'api',
  extra: null,
});

async function writeParts(parts: LakeRow[][]): Promise<string[]> {
  const db = await openDuckDb({ threads: 1 });
  try {
    return await Promise.all(
      parts.map(async (rows, i) => {
        const file = path.join(dir, `${String(i).padStart(6, '0')}-${Math.random().toString(36).slice(2)}.parquet`);
        const values = rows
          .map(
            (r) =>
              `(${LAKE_COLUMNS.map((c) => (r[c.name] === null ? 'NULL' : sqlString(String(r[c.name])))).join(', ')})`,
          )
          .join(', ');
        const columns = LAKE_COLUMNS.map((c, j) => `CAST(col${j} AS ${c.duckdb}) AS ${c.name}`).join(', ');
        await db.connection.run(
          `COPY (SELECT ${columns} FROM (VALUES ${values}) v(${LAKE_COLUMNS.map((_, j) => `col${j}`).join(', ')})) TO ${sqlString(file)} (${PARQUET_OPTIONS})`,
        );
        return file;
      }),
    );
  } finally {
    db.close();
  }
}

async function read(files: string[]): Promise<OcsfSourceEvent[]> {
  const db = await openDuckDb({ threads: 1 });
  try {
    const events: OcsfSourceEvent[] = [];
    for await (const e of lakeEvents(db.connection, files, dir)) events.push(e);
    return events;
  } finally {
    db.close();
  }
}

test("lake rows fold back into events in the lake's order, each with its changes in order; an event without changes has none", async () => {
  const files = await writeParts([
    [row('b', 0, 'name'), row('b', 1, 'title'), row('a', 0, null, '2026-11-20 09:00:00')],
    [row('c', 0, 'email')],
  ]);
  const events = await read(files);
  assert.deepEqual(
    events.map((e) => [e.eventId, e.eventTime, e.changes.map((c) => c.property)]),
    [
      ['b', '2026-11-20T10:00:00.123Z', ['name', 'title']],
      ['a', '2026-11-20T09:00:00.000Z', []],
      ['c', '2026-11-20T10:00:00.123Z', ['email']],
    ],
  );
  assert.deepEqual(events[0], {
    eventId: 'b',
    eventTime: '2026-11-20T10:00:00.123Z',
    serviceName: 'Directory',
    level: 'USER',
    action: 'Update',
    status: 'SUCCESS',
    entityType: 'User',
    entityId: 'entity-b',
    entityName: null,
    userId: 'u1',
    userName: null,
    clientId: null,
    remoteIp: null,
    transactionId: null,
    source: 'api',
    extra: null,
    changes: [
      { property: 'name', oldValue: 'old', newValue: 'new' },
      { property: 'title', oldValue: 'old', newValue: 'new' },
    ],
  });
});

test('values come back exactly: an empty string is not null, and quotes, commas, line breaks and non-ASCII text pass through', async () => {
  const awkward = ['', '"quoted", with commas', 'two\nlines\r\nand a CRLF', 'Zoë ☎ 日本', ' padded ', 'NULL', '\\N'];
  const files = await writeParts([
    awkward.map((value, i) => ({
      ...row('e', i, value),
      old_value: value,
      new_value: i === 0 ? null : value,
      entity_name: awkward[1],
      extra: '{"k":"v, \\"w\\""}',
    })),
  ]);
  const [event] = await read(files);
  assert.equal(event.entityName, awkward[1]);
  assert.equal(event.extra, '{"k":"v, \\"w\\""}');
  assert.equal(event.userName, null);
  assert.deepEqual(
    event.changes,
    awkward.map((value, i) => ({ property: value, oldValue: value, newValue: i === 0 ? null : value })),
  );
});

test('an event whose rows lie apart (the API sent it twice with different changes) is still one event, at its first row', async () => {
  const files = await writeParts([
    [row('x', 0, 'name'), row('y', 0, null)],
    [row('z', 0, 'email'), row('x', 1, 'title')],
  ]);
  const events = await read(files);
  assert.deepEqual(
    events.map((e) => [e.eventId, e.changes.map((c) => c.property)]),
    [
      ['x', ['name', 'title']],
      ['y', []],
      ['z', ['email']],
    ],
  );
});
