import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Config } from '../../src/config/config';
import { openDuckDb } from '../../src/lake/duckdb';
import { ManifestChain } from '../../src/lake/manifest-chain';
import { OCSF_CLASSES } from '../../src/ocsf/classes';
import { exportOcsfDay, ocsfExportDeps, readOcsfParquet } from '../../src/ocsf/export-day';
import { sha256OfBytes } from '../../src/lake/manifest';
import { parquetRelation } from '../../src/lake/parquet';
import { ocsfObjectKey } from '../../src/ocsf/keys';
import { downloadObjects } from '../../src/s3/download-objects';
import { listKeys } from '../../src/s3/list-objects';
import { startSimulator, Simulator } from '../../src/sim';
import { collectDayWorkflow, ocsfExportWorkflow } from '../../src/workflows';
import { freshLake, sandboxEnv } from '../harness/env';
import { gcaudit } from '../harness/gcaudit';
import { startTestWorkers, TestWorkers } from '../harness/workers';
import { validateOcsf } from './schema-check';
import { lakeOf } from '../../src/s3/lake';

let sim: Simulator;
let config: Config;
let env: Record<string, string>;
let t: TestWorkers;
let dir: string;
const ORG = 'acme';
const DAY = '2026-11-19';

before(async () => {
  sim = await startSimulator({ seed: 'ocsf-export-test', eventsPerDay: 2500, rateLimitPerMinute: 100_000 });
  env = {
    GCAUDIT_ORG: ORG,
    LAKE_RETENTION_DAYS: '1',
    ...sandboxEnv(sim),
    GENESYS_REQUESTS_PER_MINUTE: '6000',
    GENESYS_ORG_REQUESTS_PER_MINUTE: '10000',
    OCSF_ACCOUNT_ID: '123456789012',
    OCSF_REGION: 'eu-west-1',
  };
  const lake = await freshLake(env);
  lake.s3.destroy();
  config = lake.config;
  env.S3_BUCKET = config.s3.bucket;
  t = await startTestWorkers(config);
  dir = mkdtempSync(path.join(tmpdir(), 'ocsf-export-'));
});

after(async () => {
  await t.stop();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

async function readOcsfObject(key: string): Promise<Array<Record<string, unknown>>> {
  const res = await t.deps.s3.send(new GetObjectCommand({ Bucket: config.ocsf.bucket, Key: key }));
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.parquet`);
  writeFileSync(file, await res.Body!.transformToByteArray());
  const db = await openDuckDb({ threads: 1 });
  try {
    return await readOcsfParquet(db.connection, file);
  } finally {
    db.close();
  }
}

/** Event ids of lake parts in the order of their rows. */
async function lakeEventOrder(keys: string[]): Promise<string[]> {
  const files = await downloadObjects(t.deps.s3, config.s3.bucket, keys, path.join(dir, 'lake-order'), '.parquet');
  const db = await openDuckDb({ threads: 1 });
  try {
    const reader = await db.connection.runAndReadAll(
      `SELECT event_id FROM ${parquetRelation(files)} WHERE change_index = 0`,
    );
    return reader.getRows().map((r) => String(r[0]));
  } finally {
    db.close();
  }
}

test('a sealed day gets its OCSF copy from a workflow after the seal: every event once, in the Security Lake layout, valid OCSF 1.1; the day manifest attests completeness', async () => {
  const truth = sim.truth(DAY);
  const sealed = await t.client.workflow.execute(collectDayWorkflow, {
    taskQueue: t.queues.daily,
    workflowId: `collect-day/${ORG}/${DAY}`,
    args: [{ org: ORG, day: DAY, lakeTaskQueue: t.queues.lake, checksAfterSeal: false }],
  });
  assert.equal(sealed.version, 1);
  const summary = await t.client.workflow.getHandle<typeof ocsfExportWorkflow>(`ocsf-export/${ORG}/${DAY}/v1`).result();
  assert.equal(summary.events, truth.eventIds.length);

  const keys = await listKeys(t.deps.s3, config.ocsf.bucket, 'ext/');
  const expected = Object.values(OCSF_CLASSES)
    .map((c) => ocsfObjectKey(c, 'eu-west-1', '123456789012', ORG, DAY, 1))
    .sort();
  assert.deepEqual(
    keys,
    expected.filter((k) => keys.includes(k)),
    'only the deterministic keys',
  );
  assert.equal(
    expected[0],
    `ext/gcaudit-acct-change/region=eu-west-1/accountId=123456789012/eventDay=20261119/acme-20261119-v0001.parquet`,
  );
  assert.ok(keys.length >= 3, `objects for several classes: ${keys.join(', ')}`);

  const all: Array<Record<string, unknown>> = [];
  const perObject = new Map<string, Array<Record<string, unknown>>>();
  for (const key of keys) {
    const events = await readOcsfObject(key);
    const cls = Object.values(OCSF_CLASSES).find((c) => key.startsWith(`ext/${c.source}/`))!;
    assert.ok(
      events.every((e) => e.class_uid === cls.uid),
      `${key} holds one class only`,
    );
    perObject.set(key, events);
    all.push(...events);
  }
  const uids = all.map((e) => (e.metadata as { uid: string }).uid).sort();
  assert.deepEqual(uids, [...truth.eventIds].sort(), 'every event of the sealed day exactly once');
  const report = validateOcsf(all);
  assert.deepEqual(report.errors.slice(0, 10), [], `${report.errors.length} OCSF schema errors`);
  const specific = all.filter((e) => e.class_uid !== 6003).length;
  console.log(
    `OCSF coverage of a simulated day: ${specific}/${all.length} = ${((specific / all.length) * 100).toFixed(1)}% in a specific class`,
    report.classes,
  );

  // The completeness attestation, signed and chained in the day's manifest.
  const [manifest] = await new ManifestChain(lakeOf(config, t.deps.s3), ORG).dayManifests(DAY);

  // Each class keeps the lake's order of events (the sealed parts' rows, read in file order).
  const position = new Map((await lakeEventOrder(manifest.objects.map((o) => o.key))).map((id, i) => [id, i]));
  for (const [key, events] of perObject) {
    const at = events.map((e) => position.get((e.metadata as { uid: string }).uid)!);
    assert.deepEqual(
      at,
      [...at].sort((a, b) => a - b),
      `${key} keeps the lake's order`,
    );
  }
  const att = manifest.completeness!;
  assert.equal(att.verdict, 'complete', att.reasons.join('; '));
  assert.equal(att.totals.api, truth.eventIds.length);
  assert.equal(att.totals.lake, truth.eventIds.length);
  assert.equal(att.totals.stream, null, 'no stream configured');
  assert.equal(
    Object.values(att.services).reduce((n, s) => n + s.lake, 0),
    truth.eventIds.length,
  );
  assert.ok(Object.keys(att.services).length > 10, 'counted per service');
});

test('the OCSF copy is rebuilt from the lake without writing anything twice; the CLI does a range and reports the coverage', async () => {
  const keys = await listKeys(t.deps.s3, config.ocsf.bucket, 'ext/');
  const again = await t.client.workflow.execute(ocsfExportWorkflow, {
    taskQueue: t.queues.daily,
    workflowId: `ocsf-export/${ORG}/${DAY}/manual`,
    args: [{ org: ORG, day: DAY, lakeTaskQueue: t.queues.lake }],
  });
  assert.equal(again.written, 0);
  assert.deepEqual(again.keys.sort(), keys);

  const run = await gcaudit(env, 'ocsf', 'export', '--from', '2026-11-18', '--to', DAY, '--json');
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout) as {
    sealedDays: number;
    unsealedDays: number;
    events: number;
    coverage: number;
    written: string[];
    unchanged: string[];
  };
  assert.deepEqual([out.sealedDays, out.unsealedDays, out.written.length, out.unchanged.sort()], [1, 1, 0, keys]);
  assert.ok(out.coverage > 0.5 && out.coverage <= 1);

  const bad = await gcaudit(env, 'ocsf', 'export', '--from', '2026-11-31', '--to', DAY);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--from: expected a date YYYY-MM-DD/);
});

test('the OCSF copy of a day is the same bytes each time it is written', async () => {
  const lake = lakeOf(config, t.deps.s3);
  const deps = ocsfExportDeps(config, lake);
  const first = await exportOcsfDay(deps, { org: ORG, day: DAY });
  const again = await exportOcsfDay(
    { ...deps, ocsf: { ...deps.ocsf, accountId: '210987654321' } },
    { org: ORG, day: DAY, force: true },
  );
  assert.equal(again.objects.length, first.objects.length);
  for (const [i, o] of again.objects.entries()) {
    assert.equal(o.written, true);
    const original = await t.deps.s3.send(
      new GetObjectCommand({ Bucket: config.ocsf.bucket, Key: first.objects[i].key }),
    );
    assert.equal(o.sha256, sha256OfBytes(await original.Body!.transformToByteArray()), o.key);
  }
});
