/**
 * End to end (issue 13's "done when"): the simulator's planted out-of-band grant, two consecutive
 * snapshots taken by the real access-snapshot workflow over days collected by collect-day, found
 * by the reconciliation (grant_without_audit_event), shown by gcaudit access review and in the
 * evidence package's Access review.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../../src/config/config';
import { AccessReview } from '../../src/evidence/access-review';
import { Simulator, startSimulator } from '../../src/sim';
import { accessSnapshotWorkflow, collectDayWorkflow } from '../../src/workflows';
import { freshLake, sandboxEnv, uniqueName } from '../harness/env';
import { gcaudit } from '../harness/gcaudit';
import { startTestWorkers, TestWorkers } from '../harness/workers';

const dayBefore = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const D1 = dayBefore(3);
const D2 = dayBefore(2);

let sim: Simulator;
let config: Config;
let s3: S3Client;
let t: TestWorkers;
let work: string;
let org: string;
let env: Record<string, string>;

before(async () => {
  sim = await startSimulator({
    seed: 'access-review-e2e',
    eventsPerDay: 200,
    rateLimitPerMinute: 100_000,
    clientRoles: 'access-reviewer',
  });
  sim.setNow(Date.now());
  org = uniqueName('e2e');
  const lake = await freshLake({
    GCAUDIT_ORG: org,
    LAKE_RETENTION_DAYS: '1',
    ...sandboxEnv(sim),
    GENESYS_REQUESTS_PER_MINUTE: '6000',
    BACKFILL_REQUESTS_PER_MINUTE: '3000',
    GENESYS_ORG_REQUESTS_PER_MINUTE: '10000',
  });
  config = lake.config;
  s3 = lake.s3;
  t = await startTestWorkers(config);
  work = await mkdtemp(path.join(tmpdir(), 'access-e2e-'));
  for (const day of [D1, D2])
    await t.client.workflow.execute(collectDayWorkflow, {
      taskQueue: t.queues.daily,
      workflowId: `collect-day/${org}/${day}`,
      args: [{ org, day, lakeTaskQueue: t.queues.lake, checksAfterSeal: false, ocsfAfterSeal: false }],
    });
  const snapshot = (day: string) =>
    t.client.workflow.execute(accessSnapshotWorkflow, {
      taskQueue: t.queues.daily,
      workflowId: `access-snapshot/${org}/${day}`,
      args: [{ org, day, lakeTaskQueue: t.queues.lake }],
    });
  // The first read of the configuration precedes the out-of-band grant; a later one has it.
  await snapshot(D1);
  sim.setNow(Date.now() + 5 * 60_000);
  await snapshot(D2);
  env = {
    GCAUDIT_ORG: org,
    S3_BUCKET: config.s3.bucket,
    LAKE_RETENTION_DAYS: '1',
    GCAUDIT_DATA_DIR: path.join(work, 'data'),
  };
});

after(async () => {
  await t?.stop();
  await sim?.close();
  s3?.destroy();
  if (work) await rm(work, { recursive: true, force: true });
});

test('the out-of-band grant: a finding of the reconciliation, in access review and in the evidence report', async () => {
  const oob = sim.accessTruth().outOfBandGrant;

  const run = await gcaudit(env, 'check', 'run', '--from', D2, '--check', 'grant_without_audit_event', '--json');
  assert.equal(run.code, 3, run.stderr + run.stdout);
  const key = `grant_added:${oob.userId}:${oob.roleId}:${oob.divisionId}@${D2}`;
  const checked = JSON.parse(run.stdout) as { findings: Array<{ key: string }> };
  assert.ok(
    checked.findings.some((f) => f.key === key),
    checked.findings.map((f) => f.key).join('\n'),
  );

  const r = await gcaudit(env, 'access', 'review', '--as-of', D2, '--json');
  assert.equal(r.code, 3, r.stderr);
  const review = JSON.parse(r.stdout) as AccessReview;
  assert.equal(review.snapshotDay, D2);
  assert.deepEqual(review.unknown, []);
  assert.ok(review.holders.some((h) => h.subjectId === oob.userId && h.roleId === oob.roleId));
  const change = review.changes.find(
    (c) => c.change === 'grant_added' && c.subjectId === oob.userId && c.roleId === oob.roleId,
  );
  assert.ok(change, 'the grant is a change between the snapshots');
  assert.equal(change.explained, false);
  assert.equal(change.finding, 'grant_without_audit_event');

  const out = path.join(work, 'package');
  const e = await gcaudit(env, 'evidence', 'export', '--from', D1, '--to', D2, '--out', out, '--json');
  assert.equal(e.code, 0, e.stderr + e.stdout);
  const report = await readFile(path.join(out, 'report.html'), 'utf8');
  assert.match(
    report,
    new RegExp(`data-change="grant_added"\\s+data-subject="${oob.userId}"\\s+class="finding"`),
    'the report shows the out-of-band grant as a finding',
  );
  const changes = await readFile(path.join(out, 'access-review/changes.csv'), 'utf8');
  assert.match(changes, new RegExp(`grant_added,user,${oob.userId},${oob.roleId},.*,grant_without_audit_event`));
  const findings = await readFile(path.join(out, 'findings.csv'), 'utf8');
  assert.ok(findings.includes(key));
});
