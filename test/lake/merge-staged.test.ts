import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBConnection } from '@duckdb/node-api';
import { openDuckDb, sqlString } from '../../src/lake/duckdb';
import { eventLine, eventLinesText } from '../../src/lake/event-lines';
import { mergeStaged } from '../../src/lake/merge-staged';
import { lakeEventWithChanges } from '../harness/lake';

let db: { connection: DuckDBConnection; close(): void };
let dir: string;
before(async () => {
  db = await openDuckDb({ threads: 1 });
  dir = mkdtempSync(path.join(tmpdir(), 'merge-'));
});
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const DAY = '2026-11-20';

/** Stages pages of [event id, hour, changes] as chunk files, in page order. */
function stage(name: string, pages: Array<Array<[string, number, number]>>): string[] {
  return pages.map((events, i) => {
    const file = path.join(dir, `${name}-c${i}.ndjson`);
    const time = (h: number) =>
      h < 24 ? `${DAY}T${String(h).padStart(2, '0')}:00:00.000Z` : '2026-11-21T00:30:00.000Z';
    writeFileSync(
      file,
      eventLinesText(events.map(([id, h, changes]) => eventLine(lakeEventWithChanges(id, time(h), changes)))),
    );
    return file;
  });
}

async function keysOf(file: string): Promise<string[]> {
  const rows = (
    await db.connection.runAndReadAll(`SELECT event_id, change_index FROM read_parquet(${sqlString(file)})`)
  ).getRows();
  return rows.map(([id, ci]) => `${String(id)}/${Number(ci)}`);
}

test('a row repeated in a later part is kept once, where it came first; page order stays; out-of-day rows go', async () => {
  const staged = stage('a', [
    [
      ['e1', 1, 0],
      ['e2', 2, 2],
    ],
    [
      ['e3', 3, 1],
      ['late', 24, 1],
    ],
    // e2 repeated at the start of the next part (the API repeated the last event of a page).
    [
      ['e2', 2, 2],
      ['e4', 4, 0],
    ],
    [
      ['e5', 5, 3],
      ['e4', 4, 0],
    ],
  ]);
  const out = mkdtempSync(path.join(dir, 'out-'));
  const merged = await mergeStaged(db.connection, { staged, existing: [], day: DAY, outDir: out, chunksPerPart: 2 });
  assert.equal(merged.outsideDay, 1);
  assert.equal(merged.repeated, 3, "e2's two rows and e4's one");
  assert.deepEqual(await Promise.all(merged.parts.map((p) => keysOf(p.file))), [
    ['e1/0', 'e2/0', 'e2/1', 'e3/0'],
    ['e4/0', 'e5/0', 'e5/1', 'e5/2'],
  ]);
  assert.deepEqual(
    merged.parts.map((p) => [p.rows, p.events]),
    [
      [4, 3],
      [4, 2],
    ],
  );
  assert.equal(merged.newEvents, 5);
  assert.equal(merged.newRows, 8);

  // Events the lake already holds are left out (a supplement holds only new ids).
  const again = await mergeStaged(db.connection, {
    staged: stage('b', [
      [
        ['e1', 1, 0],
        ['e6', 6, 1],
      ],
    ]),
    existing: merged.parts.map((p) => p.file),
    day: DAY,
    outDir: mkdtempSync(path.join(dir, 'out-')),
  });
  assert.deepEqual(await Promise.all(again.parts.map((p) => keysOf(p.file))), [['e6/0']]);
  assert.equal(again.newEvents, 1);
});

test('the same chunks give the same bytes', async () => {
  const staged = stage('c', [
    [
      ['x1', 1, 2],
      ['x2', 2, 0],
    ],
    [['x1', 1, 2]],
  ]);
  const bytes = [];
  for (let i = 0; i < 2; i++) {
    const merged = await mergeStaged(db.connection, {
      staged,
      existing: [],
      day: DAY,
      outDir: mkdtempSync(path.join(dir, 'out-')),
    });
    bytes.push(readFileSync(merged.parts[0].file).toString('base64'));
  }
  assert.equal(bytes[0], bytes[1]);
});
