import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { openDuckDb } from '../../src/lake/duckdb';
import { listKeys } from '../../src/s3/list-objects';
import { partitionPrefix } from '../../src/lake/keys';
import { DuckDbQueryEngine } from '../../src/query/duckdb-engine';
import { rowObjects } from '../../src/query/engine';
import { S3PartitionCache } from '../../src/query/partition-source';
import { putLockedObject } from '../../src/s3/locked-object';
import { Config } from '../../src/config/config';
import { freshLake } from '../harness/env';
import { lakeOf } from '../../src/s3/lake';

// A hand-made lake: three days of audit_events (two files on one day, one with a column the
// schema does not know yet), for the engine's partition sync and reading by column name.
let s3: S3Client;
let config: Config;
const ORG = 'prune';
const work = mkdtempSync(path.join(tmpdir(), 'duckdb-engine-'));

async function put(day: string, name: string, selectSql: string) {
  const db = await openDuckDb();
  try {
    const file = path.join(work, `${day}-${name}`);
    await db.connection.run(`COPY (${selectSql}) TO '${file}' (FORMAT parquet)`);
    const { readFileSync } = await import('node:fs');
    await putLockedObject(lakeOf(config, s3), {
      key: `${partitionPrefix(ORG, 'audit_events', day)}${name}`,
      body: readFileSync(file),
    });
  } finally {
    db.close();
  }
}

const row = (id: string, day: string, extraCols = '') =>
  `SELECT '${id}' AS event_id, CAST(TIMESTAMP '${day} 10:00:00' AS TIMESTAMP_MS) AS event_time, 'Directory' AS service_name, 'USER' AS level, 'Update' AS action, 'SUCCESS' AS status,
   'User' AS entity_type, 'u1' AS entity_id, 'U One' AS entity_name, 'actor' AS user_id, NULL AS user_name, NULL AS client_id, NULL AS remote_ip, NULL AS transaction_id,
   CAST(0 AS INTEGER) AS change_index, NULL AS property, NULL AS old_value, NULL AS new_value, 'api' AS source, NULL AS extra${extraCols}`;

before(async () => {
  const lake = await freshLake({ GCAUDIT_ORG: ORG, LAKE_RETENTION_DAYS: '1' });
  s3 = lake.s3;
  config = lake.config;
  await put('2026-03-01', 'part-00000.parquet', row('a1', '2026-03-01'));
  await put('2026-03-02', 'part-00000.parquet', row('b1', '2026-03-02'));
  await put('2026-03-02', 'supplement-v0002-00000.parquet', `${row('b2', '2026-03-02', `, 'v2' AS newer_column`)}`);
  await put('2026-03-03', 'part-00000.parquet', row('c1', '2026-03-03'));
});

after(() => {
  s3.destroy();
  rmSync(work, { recursive: true, force: true });
});

test('a one-day query syncs and reads only that day’s files', async () => {
  const cacheDir = path.join(work, 'cache-one');
  const engine = new DuckDbQueryEngine({
    source: new S3PartitionCache({ s3, bucket: config.s3.bucket, org: ORG, cacheDir }),
  });
  const r = await engine.query('SELECT event_id FROM audit_events_all ORDER BY event_id', {
    days: { from: '2026-03-02', to: '2026-03-02' },
  });
  assert.deepEqual(
    r.rows.map((x) => x[0]),
    ['b1', 'b2'],
  );
  assert.equal(
    r.stats.filesRead,
    (await listKeys(s3, config.s3.bucket, partitionPrefix(ORG, 'audit_events', '2026-03-02'))).length,
  );
  const cached = readdirSync(cacheDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.parquet'));
  assert.equal(cached.length, 2);
  assert.ok(
    cached.every((f) => f.includes(`day=02`)),
    `only day 02 cached: ${cached.join(', ')}`,
  );
  // Without days: everything (and the cached files are reused, not fetched again).
  const all = await engine.query('SELECT count(*) AS n FROM audit_events');
  assert.equal(all.rows[0][0], '4');
  assert.equal(all.stats.filesRead, 4);
});

test('files are read by column name: a newer column is kept, older files read it as NULL; partition columns are text', async () => {
  const engine = new DuckDbQueryEngine({
    source: new S3PartitionCache({ s3, bucket: config.s3.bucket, org: ORG, cacheDir: path.join(work, 'cache-two') }),
  });
  const r = rowObjects(
    await engine.query(
      `SELECT event_id, newer_column, year, month, day FROM audit_events WHERE month = '03' AND day = '02' ORDER BY event_id`,
    ),
  );
  assert.deepEqual(r, [
    { event_id: 'b1', newer_column: null, year: '2026', month: '03', day: '02' },
    { event_id: 'b2', newer_column: 'v2', year: '2026', month: '03', day: '02' },
  ]);
});

test('live rows join the view unless the event is sealed; the live table may be missing', async () => {
  const engine = new DuckDbQueryEngine({
    source: new S3PartitionCache({ s3, bucket: config.s3.bucket, org: ORG, cacheDir: path.join(work, 'cache-three') }),
  });
  const empty = await engine.query('SELECT count(*) FROM audit_events_live');
  assert.equal(empty.rows[0][0], '0');
  const db = await openDuckDb();
  try {
    const file = path.join(work, 'live.parquet');
    await db.connection.run(
      `COPY (${row('b1', '2026-03-02')} UNION ALL ${row('live-only', '2026-03-02')} UNION ALL ${row('live-only', '2026-03-02')}) TO '${file}' (FORMAT parquet)`,
    );
    const { readFileSync } = await import('node:fs');
    await putLockedObject(lakeOf(config, s3), {
      key: `${partitionPrefix(ORG, 'audit_events_live', '2026-03-02')}stream-1.parquet`,
      body: readFileSync(file),
    });
  } finally {
    db.close();
  }
  const r = await engine.query('SELECT event_id, source FROM audit_events_all ORDER BY event_id', {
    days: { from: '2026-03-02', to: '2026-03-02' },
  });
  assert.deepEqual(
    r.rows.map((x) => x[0]),
    ['b1', 'b2', 'live-only'],
    'the sealed b1 wins, the live duplicate is gone',
  );
});
