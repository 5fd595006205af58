import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { isAccessCheck, loadChecks } from '../../src/checks/check-file';
import { renderContextFromConfig } from '../../src/checks/render';
import { runChecks } from '../../src/checks/runner';
import { addDays } from '../../src/days';
import { BadRequestError } from '../../src/errors';
import { openDuckDb } from '../../src/lake/duckdb';
import { partitionPrefix } from '../../src/lake/keys';
import { eventLinesText, lakeRowsFrom } from '../../src/lake/event-lines';
import { writeParquet } from '../../src/lake/parquet';
import { AthenaQueryEngine, createAthenaClient } from '../../src/query/athena-engine';
import { applyAthenaDdl } from '../../src/query/athena-apply';
import { athenaDdl, ddlScript } from '../../src/query/athena-ddl';
import { athenaNamedQueries } from '../../src/checks/named-queries';
import { createQueryEngine } from '../../src/query/create-engine';
import { QueryEngine, rowObjects } from '../../src/query/engine';
import { readSchemaState } from '../../src/query/schema-state';
import { createS3Client } from '../../src/s3/client';
import { putLockedObject } from '../../src/s3/locked-object';
import { transformBatch } from '../../src/transform/pipeline';
import { schemaRecrawlWorkflow } from '../../src/workflows';
import { AthenaTestServer, startAthenaTestServer } from '../athena-server/server';
import { CheckLake, checkLake } from '../checks/lake-fixture';
import { LAKE_TABLE_NAMES } from './lake-table-names';
import { lakeOf } from '../../src/s3/lake';

let lake: CheckLake;
let server: AthenaTestServer;
let serverS3: S3Client;
let athena: AthenaQueryEngine;
let duck: QueryEngine;
const cache = mkdtempSync(path.join(tmpdir(), 'athena-test-'));
// The event checks (the access snapshot checks have their own tests in test/access).
const checks = loadChecks().filter((c) => !isAccessCheck(c));
const dayWindow = (day: string) => ({ from: `${day}T00:00:00.000Z`, to: `${addDays(day, 1)}T00:00:00.000Z` });

before(async () => {
  lake = await checkLake({
    seed: 'athena-test',
    org: 'acme-athena',
    env: {
      QUERY_ENGINE: 'athena',
      ATHENA_DATABASE: 'gcaudit_test',
      ATHENA_REGION: 'us-east-1',
      CHECKS_AFTER_SEAL: 'false',
    },
    configure: async (config) => {
      serverS3 = createS3Client(config);
      server = await startAthenaTestServer({ s3: serverS3, cacheDir: cache });
      config.query.athena.endpoint = server.endpoint;
    },
  });
  await lake.collect(lake.anomalyDay);
  await lake.collect(lake.normalDay);
  athena = createQueryEngine(lake.config, lake.workers.deps.s3, 'athena') as AthenaQueryEngine;
  duck = createQueryEngine(lake.config, lake.workers.deps.s3, 'duckdb');
});

after(async () => {
  await athena?.close();
  await duck?.close();
  await lake?.stop();
  await server?.close();
  serverS3?.destroy();
  rmSync(cache, { recursive: true, force: true });
});

test('the DDL has the database, the event and access snapshot tables with partition projection, the views and a named query per check', () => {
  const ddl = athenaDdl({
    database: lake.config.query.athena.database,
    bucket: lake.config.s3.bucket,
    org: lake.org,
    extraColumns: [],
    namedQueries: athenaNamedQueries(checks, lake.config),
  });
  const script = ddlScript(ddl);
  assert.match(script, /CREATE DATABASE IF NOT EXISTS `gcaudit_test`/);
  for (const t of LAKE_TABLE_NAMES)
    assert.match(script, new RegExp(`CREATE EXTERNAL TABLE IF NOT EXISTS \`gcaudit_test\`\\.\`${t}\``));
  assert.equal((script.match(/'projection.enabled' = 'true'/g) ?? []).length, LAKE_TABLE_NAMES.length);
  assert.ok(
    script.includes(
      `'storage.location.template' = 's3://${lake.config.s3.bucket}/${lake.org}/audit_events/year=\${year}/month=\${month}/day=\${day}/'`,
    ),
  );
  assert.match(script, /CREATE OR REPLACE VIEW "gcaudit_test"\.audit_events_all/);
  assert.match(script, /CREATE OR REPLACE VIEW "gcaudit_test"\.access_reconciliation/);
  assert.equal(ddl.namedQueries.length, checks.length);
});

test('a query before the tables exist fails with Athena’s reason', async () => {
  await assert.rejects(
    athena.query('SELECT count(*) FROM audit_events_all'),
    (err: Error) => err instanceof BadRequestError && /audit_events_all/.test(err.message),
  );
});

test('athena apply creates everything once; applying again changes nothing', async () => {
  const client = createAthenaClient(lake.config);
  try {
    const ddl = athenaDdl({
      database: lake.config.query.athena.database,
      bucket: lake.config.s3.bucket,
      org: lake.org,
      extraColumns: [],
      namedQueries: athenaNamedQueries(checks, lake.config),
    });
    const first = await applyAthenaDdl(athena, client, ddl, [], lake.config.query.athena.workgroup);
    assert.deepEqual([...server.tables.keys()].sort(), LAKE_TABLE_NAMES);
    assert.ok(server.views.has('audit_events_all') && server.views.has('access_reconciliation'));
    assert.equal(first.namedQueries.filter((q) => q.action === 'created').length, checks.length);
    const again = await applyAthenaDdl(athena, client, ddl, [], lake.config.query.athena.workgroup);
    assert.ok(again.namedQueries.every((q) => q.action === 'unchanged'));
    assert.equal(server.namedQueries.size, checks.length);
  } finally {
    client.destroy();
  }
});

test('every check gives the same findings on Athena as on DuckDB: the planted events, and silence on a normal day', async () => {
  const ctx = renderContextFromConfig(lake.config);
  const truth = lake.sim.truth(lake.anomalyDay);
  const onAthena = await runChecks(athena, checks, dayWindow(lake.anomalyDay), ctx);
  const onDuck = await runChecks(duck, checks, dayWindow(lake.anomalyDay), ctx);
  for (const [i, run] of onAthena.entries()) {
    const planted = truth.anomalies
      .filter((a) => a.kind === run.check.tests.firesOn)
      .flatMap((a) => a.eventIds)
      .sort();
    assert.deepEqual(run.findings.flatMap((f) => f.eventIds).sort(), planted, `${run.check.id} on Athena`);
    assert.deepEqual(run.findings, onDuck[i].findings, `${run.check.id}: same findings on both engines`);
    assert.ok(run.stats.bytesScanned > 0 && run.stats.queryId);
  }
  for (const run of await runChecks(athena, checks, dayWindow(lake.normalDay), ctx))
    assert.deepEqual(run.findings, [], `${run.check.id} silent`);
});

test('results are paged (more rows than one page) and match DuckDB', async () => {
  const sql = `SELECT event_id, change_index FROM audit_events_all WHERE year = '${lake.anomalyDay.slice(0, 4)}' ORDER BY event_id, change_index`;
  const a = await athena.query(sql);
  const d = await duck.query(sql);
  assert.ok(a.rows.length > 1000, `${a.rows.length} rows span pages`);
  assert.deepEqual(a.rows, d.rows);
  assert.deepEqual(
    a.columns.map((c) => c.name),
    ['event_id', 'change_index'],
  );
});

test('the schema recrawl adds a column for a new source field (ALTER TABLE on Athena, the local views follow), and never drops one', async () => {
  const { config } = lake;
  const s3 = lake.workers.deps.s3;
  // Stream rows (audit_events_live) of new events that carry fields this version does not know.
  const records = lake.sim
    .events(lake.normalDay)
    .slice(0, 5)
    .map((r, i) => ({ ...r, id: randomUUID(), riskScore: 40 + i, deviceInfo: { os: 'ios', build: i } }));
  const batch = transformBatch(records, 'api', lake.workers.deps.transform);
  assert.equal(batch.invalid.length, 0);
  assert.ok(
    batch.events.every((e) => e.extra.riskScore !== undefined),
    'unknown fields land in extra',
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'live-'));
  const db = await openDuckDb();
  try {
    writeFileSync(path.join(dir, 'events.ndjson'), eventLinesText(batch.lines));
    await writeParquet(db.connection, {
      relation: lakeRowsFrom([path.join(dir, 'events.ndjson')]),
      outPath: path.join(dir, 'live.parquet'),
    });
    const { readFileSync } = await import('node:fs');
    await putLockedObject(lakeOf(config, s3), {
      key: `${partitionPrefix(lake.org, 'audit_events_live', lake.normalDay)}stream-test.parquet`,
      body: readFileSync(path.join(dir, 'live.parquet')),
    });
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const recrawl = () =>
    lake.workers.client.workflow.execute(schemaRecrawlWorkflow, {
      taskQueue: lake.workers.queues.daily,
      workflowId: `schema-recrawl/${lake.org}/${randomUUID()}`,
      args: [{ org: lake.org, days: 2, today: addDays(lake.normalDay, 1), lakeTaskQueue: lake.workers.queues.lake }],
    });
  const first = await recrawl();
  assert.ok(
    first.added.includes('risk_score') && first.added.includes('device_info'),
    `added ${first.added.join(', ')}`,
  );
  assert.equal(first.athena, 'altered');
  const tableColumns = server.tables.get('audit_events')!.columns.map((c) => c.name);
  assert.deepEqual(tableColumns.slice(-first.added.length), first.added, 'new columns at the end');
  assert.ok(
    server.statements.some((s) =>
      /ALTER TABLE `gcaudit_test`\.`audit_events_live` ADD COLUMNS \(.*`risk_score` string/.test(s),
    ),
  );

  const sql = `SELECT risk_score, device_info FROM audit_events_all WHERE risk_score IS NOT NULL ORDER BY risk_score`;
  for (const engine of [duck, athena]) {
    const rows = rowObjects(await engine.query(sql, { days: { from: lake.normalDay, to: lake.normalDay } }));
    assert.deepEqual([...new Set(rows.map((r) => r.risk_score))], ['40', '41', '42', '43', '44'], engine.name);
    assert.deepEqual(JSON.parse(rows[0].device_info!), { os: 'ios', build: 0 });
  }

  const second = await recrawl();
  assert.deepEqual(second.added, []);
  assert.equal(second.version, first.version);
  const state = await readSchemaState(lakeOf(config, s3), lake.org);
  assert.ok(first.added.every((name) => state.columns.some((c) => c.name === name)));
  // Every column the table had before the recrawl is still there, in place.
  assert.deepEqual(
    server.tables.get('audit_events')!.columns.map((c) => c.name),
    tableColumns,
  );
});
