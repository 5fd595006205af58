/**
 * The HEC lines of an events part are the same bytes whether DuckDB sorts the rows or, for a part
 * already stored in line order (as the sealer writes it), reads them in stored order.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { planDay } from '../../src/delivery/plan';
import { lakeOf } from '../../src/s3/lake';
import { downloadVerified } from '../../src/delivery/verified-part';
import { openScratchDuckDb, sqlString } from '../../src/lake/duckdb';
import { HecEnvelope, partInLineOrder, partLines } from '../../src/splunk/hec-events';
import { testConfig } from '../harness/env';
import { dayEvents, DeliveryLake, deliveryLake, sealDayWith } from './delivery-lake';

const org = 'linesorg';
let lake: DeliveryLake;

before(async () => {
  lake = await deliveryLake(org);
});
after(() => lake.s3.destroy());

test('a sealed part is in line order and gives the same lines as the same rows shuffled (which are sorted)', async () => {
  const day = '2026-10-08';
  await sealDayWith(lake, day, dayEvents(day, 1500));
  const config = testConfig({
    S3_BUCKET: lake.config.s3.bucket,
    GCAUDIT_ORG: org,
    SPLUNK_HEC_URL: 'http://127.0.0.1:9',
    SPLUNK_HEC_TOKEN: 't',
  });
  const part = (await planDay(lakeOf(config, lake.s3), org, 'splunk', day)).pending[0];
  const db = await openScratchDuckDb('lines-test', { memoryLimitMb: 256 });
  try {
    const file = path.join(db.dir, 'part.parquet');
    await downloadVerified(lake.s3, lake.config.s3.bucket, part, file);
    const shuffled = path.join(db.dir, 'shuffled.parquet');
    await db.connection.run(
      `COPY (SELECT * FROM read_parquet(${sqlString(file)}) ORDER BY hash(event_id, change_index)) TO ${sqlString(shuffled)} (FORMAT parquet)`,
    );
    assert.equal(await partInLineOrder(db.connection, file), true);
    assert.equal(await partInLineOrder(db.connection, shuffled), false);

    const env: HecEnvelope = {
      host: org,
      source: 's3://b/k',
      sourcetype: 'st',
      index: 'gcaudit',
      manifestSha256: 'ab',
    };
    const lines = async (f: string) => {
      const out: Buffer[] = [];
      for await (const chunk of partLines(db.connection, 'events', f, env, db.dir))
        for (const l of chunk) out.push(Buffer.concat(l.pieces, l.bytes));
      return out;
    };
    const stored = await lines(file);
    const sorted = await lines(shuffled);
    assert.equal(stored.length, 1500);
    assert.ok(
      stored.every((l, i) => l.equals(sorted[i])),
      'the same bytes, line for line',
    );
    const ids = stored.map((l) => (JSON.parse(l.toString()) as { fields: { event_id: string } }).fields.event_id);
    assert.deepEqual(ids, [...ids].sort(), 'in event time (and id) order');
  } finally {
    await db.close();
  }
});
