import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { Config } from '../src/config/config';
import { daysBetween } from '../src/days';
import { PROJECT_ROOT } from '../src/paths';
import { createS3Client } from '../src/s3/client';
import { startSimulator, Simulator } from '../src/sim';
import { temporalAddress } from '../src/temporal/connection';
import { taskQueues } from '../src/temporal/task-queues';
import { backfillWorkflow } from '../src/workflows';
import { backfillProgressQuery, BackfillProgress } from '../src/workflows/backfill';
import { freshLake, sandboxEnv, uniqueName } from './harness/env';
import { readDay } from './harness/lake';
import { startTestWorkers } from './harness/workers';

// End to end against the sandbox org with its faults on: for each day the lake must hold exactly
// the simulator's truth, no id missing, none twice.

let sim: Simulator;
before(async () => {
  sim = await startSimulator({ seed: 'backfill-test', eventsPerDay: 1300, rateLimitPerMinute: 100_000 });
});
after(() => sim.close());

function lakeEnv(org: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GCAUDIT_ORG: org,
    LAKE_RETENTION_DAYS: '1',
    ...sandboxEnv(sim),
    ...extra,
  };
}

async function assertLakeMatchesTruth(config: Config, org: string, days: string[]) {
  const s3 = createS3Client(config);
  try {
    for (const day of days) {
      const lake = await readDay(s3, config.s3.bucket, org, day);
      const truth = [...sim.truth(day).eventIds].sort();
      assert.equal(
        lake.eventIds.length,
        truth.length,
        `${day}: ${lake.eventIds.length} events in the lake, ${truth.length} in the API`,
      );
      assert.deepEqual(lake.eventIds, truth, `${day}: exactly the API's events`);
      assert.equal(lake.duplicateRows, 0, `${day}: no row twice`);
    }
  } finally {
    s3.destroy();
  }
}

test(
  'a backfill with 429s, 5xx, resets, 30-second tokens and repeated pages collects every day exactly',
  { timeout: 600_000 },
  async () => {
    const org = uniqueName('bf');
    const { config, s3 } = await freshLake(
      lakeEnv(org, {
        GENESYS_REQUESTS_PER_MINUTE: '60',
        BACKFILL_REQUESTS_PER_MINUTE: '90',
        GENESYS_ORG_REQUESTS_PER_MINUTE: '300',
      }),
    );
    s3.destroy();
    sim.setFaults({
      rate429Share: 0.06,
      serverErrorShare: 0.05,
      resetMidBodyShare: 0.05,
      tokenLifetimeSeconds: 30,
      duplicateAcrossPagesShare: 0.3,
    });
    const before = sim.stats();
    const t = await startTestWorkers(config);
    try {
      const days = daysBetween('2026-10-01', '2026-10-10');
      const started = Date.now();
      const result = await t.client.workflow.execute(backfillWorkflow, {
        taskQueue: t.queues.daily,
        workflowId: `backfill/${org}/2026-10-01..2026-10-10`,
        args: [
          {
            org,
            from: days[0],
            to: days.at(-1)!,
            concurrency: 3,
            apiTaskQueue: t.queues.backfill,
            lakeTaskQueue: t.queues.lake,
          },
        ],
      });
      const elapsed = Date.now() - started;
      const stats = sim.stats();
      assert.equal(result.daysDone, days.length);
      assert.equal(result.failed.length, 0);
      assert.ok(
        stats.fault429 - before.fault429 > 0 &&
          stats.fault5xx - before.fault5xx > 0 &&
          stats.resets - before.resets > 0,
        'the faults happened',
      );
      assert.ok(result.rateLimited > 0, 'the progress counts the 429s it waited out');
      // Each activity counts its own requests, not those of the activities running beside it.
      const apiRequests = (s: typeof stats) => s.requests - (s.byRoute.oauth ?? 0) - (s.byRoute.sim ?? 0);
      assert.ok(
        result.requests <= apiRequests(stats) - apiRequests(before),
        `${result.requests} counted, ${apiRequests(stats) - apiRequests(before)} served`,
      );
      assert.ok(result.requests >= result.pages, 'at least one request a page');
      assert.ok(elapsed > 35_000, `the run outlived a 30-second token (${elapsed} ms)`);
      assert.ok(stats.tokensIssued - before.tokensIssued >= 2, 'the token was refreshed');
      await assertLakeMatchesTruth(config, org, days);
    } finally {
      sim.setFaults({
        rate429Share: 0,
        serverErrorShare: 0,
        resetMidBodyShare: 0,
        tokenLifetimeSeconds: 86_400,
        duplicateAcrossPagesShare: 0,
      });
      await t.stop();
    }
  },
);

function startWorkerProcess(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist/src/worker/main.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => {
    if (/Error|error/.test(d.toString()) && !/WARN/.test(d.toString())) process.stderr.write(`[worker] ${d}`);
  });
  return child;
}

test(
  'a worker killed with SIGKILL in the middle of a backfill: a new worker finishes it with the same result',
  { timeout: 600_000 },
  async () => {
    const org = uniqueName('kill');
    const taskQueue = uniqueName('killq');
    const env = lakeEnv(org, {
      TEMPORAL_TASK_QUEUE: taskQueue,
      GENESYS_REQUESTS_PER_MINUTE: '120',
      BACKFILL_REQUESTS_PER_MINUTE: '120',
      GENESYS_ORG_REQUESTS_PER_MINUTE: '300',
    });
    const { config, s3 } = await freshLake(env);
    s3.destroy();
    const fullEnv = { ...env, S3_BUCKET: config.s3.bucket };
    const queues = taskQueues(taskQueue);
    const connection = await Connection.connect({ address: temporalAddress(config) });
    const client = new Client({ connection });
    let worker = startWorkerProcess(fullEnv);
    try {
      const days = daysBetween('2026-09-01', '2026-09-08');
      const handle = await client.workflow.start(backfillWorkflow, {
        taskQueue: queues.daily,
        workflowId: `backfill/${org}/2026-09-01..2026-09-08`,
        args: [
          {
            org,
            from: days[0],
            to: days.at(-1)!,
            concurrency: 2,
            apiTaskQueue: queues.backfill,
            lakeTaskQueue: queues.lake,
          },
        ],
      });
      // Kill it once some days are done and others are under way.
      let progress: BackfillProgress;
      for (;;) {
        progress = await handle.query(backfillProgressQuery);
        if (progress.daysDone >= 2) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(progress.daysDone < days.length, 'killed in the middle');
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));

      worker = startWorkerProcess(fullEnv);
      const result = await handle.result();
      assert.equal(result.daysDone, days.length);
      assert.equal(result.failed.length, 0);
      await assertLakeMatchesTruth(config, org, days);
    } finally {
      // Stopped and waited for, so no worker outlives the test.
      if (worker.exitCode === null && worker.signalCode === null) {
        const exited = new Promise((r) => worker.once('exit', r));
        worker.kill('SIGTERM');
        await exited;
      }
      await connection.close();
    }
  },
);
