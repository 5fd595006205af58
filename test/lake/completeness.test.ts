import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBConnection } from '@duckdb/node-api';
import { attestCompleteness, completenessLine, StreamSide } from '../../src/lake/completeness';
import { openDuckDb, sqlString } from '../../src/lake/duckdb';
import { eventLine, eventLinesText, lakeRowsFrom } from '../../src/lake/event-lines';
import { PARQUET_OPTIONS } from '../../src/lake/parquet';
import { CanonicalEvent } from '../../src/model/canonical';
import { lakeEvent, lakeEventWithChanges } from '../harness/lake';

let db: { connection: DuckDBConnection; close(): void };
let dir: string;
before(async () => {
  db = await openDuckDb({ threads: 1 });
  dir = mkdtempSync(path.join(tmpdir(), 'completeness-'));
});
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const DAY = '2026-11-21';
let n = 0;
function lines(events: CanonicalEvent[]): string {
  const file = path.join(dir, `${n++}.ndjson`);
  writeFileSync(file, eventLinesText(events.map(eventLine)));
  return file;
}
async function parquet(events: CanonicalEvent[]): Promise<string> {
  const file = path.join(dir, `${n++}.parquet`);
  await db.connection.run(
    `COPY (SELECT * FROM ${lakeRowsFrom([lines(events)])}) TO ${sqlString(file)} (${PARQUET_OPTIONS})`,
  );
  return file;
}

const at = (h: number) => `${DAY}T${String(h).padStart(2, '0')}:00:00.000Z`;
const a = lakeEventWithChanges('a', at(1), 3);
const b = lakeEvent('b', at(2), { serviceName: 'Directory' });
const c = lakeEvent('c', at(3), { serviceName: 'Directory' });
const d = lakeEvent('d', at(4), { serviceName: null, source: 'stream' });
const nextDay = lakeEvent('x', '2026-11-22T00:00:00.000Z');

test('a day the lake holds whole, with no stream: complete, counted per service (events, not rows), the API the only source', async () => {
  const att = await attestCompleteness(db.connection, {
    day: DAY,
    staged: [lines([a, b, c, nextDay])],
    sealedParts: [await parquet([a, b, c])],
    liveParts: [],
    stream: null,
    quarantined: 0,
  });
  assert.equal(att.verdict, 'complete');
  assert.deepEqual(att.services, {
    Directory: { api: 2, stream: null, lake: 2 },
    PeoplePermissions: { api: 1, stream: null, lake: 1 },
  });
  assert.deepEqual(att.totals, { api: 3, stream: null, lake: 3 });
  assert.deepEqual([att.missingFromStream, att.missingFromApi, att.rehydrations], [null, null, null]);
  assert.deepEqual(att.notes, ['no stream for the day: the audit query API is the only source']);
  assert.equal(completenessLine(att), 'complete');
});

test('an event the lake lacks, a stream event the API lacks, an unresolved rehydration and a quarantined record each make the day incomplete, with the reason', async () => {
  const stream: StreamSide = {
    neverDelivered: 1,
    neverDeliveredIds: ['c'],
    streamOnly: 1,
    streamOnlyIds: ['d'],
    rehydrated: 1,
    unresolved: 1,
    pendingRehydration: 0,
  };
  const att = await attestCompleteness(db.connection, {
    day: DAY,
    staged: [lines([a, b, c])],
    sealedParts: [await parquet([a, b])],
    liveParts: [await parquet([a, b, d])],
    stream,
    quarantined: 2,
  });
  assert.equal(att.verdict, 'incomplete');
  assert.deepEqual(att.missingFromLake, { count: 1, ids: ['c'] });
  assert.deepEqual(att.missingFromStream, { count: 1, ids: ['c'] });
  assert.deepEqual(att.missingFromApi, { count: 1, ids: ['d'] });
  assert.deepEqual(att.rehydrations, { rehydrated: 1, unresolved: 1, pending: 0 });
  assert.deepEqual(att.services['(none)'], { api: 0, stream: 1, lake: 0 });
  assert.deepEqual(att.totals, { api: 3, stream: 3, lake: 2 });
  assert.deepEqual(att.reasons, [
    '1 events the audit query API returned are not in the sealed lake',
    '2 API records could not be transformed and are in quarantine, not in the table',
    "1 events the stream delivered are not in the audit query API's answer for the day",
    '1 stream events could not be rehydrated from the API',
  ]);
  assert.deepEqual(att.notes, ['the stream did not deliver 1 events the API has (they are in the lake from the API)']);
  assert.match(
    completenessLine(att),
    /^incomplete: 1 events the audit query API returned are not in the sealed lake; 2 API records/,
  );
});
