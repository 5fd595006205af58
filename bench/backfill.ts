/**
 * Backfill benchmark (issue 5): 30 days at 20k events a day against the sandbox org at 300
 * requests a minute, scaled by SCALE (rate and volume together: the ratios stay comparable).
 * Real Temporal dev server, real MinIO, the worker in its own process (for its peak RSS).
 *
 *   npm run bench:backfill            # SCALE=1: 300/min, 20k events/day (about 5 minutes)
 *   SCALE=2 DAYS=10 npm run bench:backfill
 *
 * Reports wall time against the floor (the fewest requests the API allows, divided by the
 * backfill's budget), requests per 1000 events (floor 2.0 at 500 a page), 429s, history events
 * per collected day, and the worker's peak RSS: the kernel's high-water mark of its resident
 * memory (VmHWM), read once the checks and OCSF copies each seal starts have ended too.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../src/config/config';
import { addDays, dayOf, daysBetween } from '../src/days';
import { PROJECT_ROOT } from '../src/paths';
import { startSimulator } from '../src/sim';
import { taskQueues } from '../src/temporal/task-queues';
import { workflowIds } from '../src/temporal/workflow-ids';
import { WORKER_ENV, WORKER_NODE_FLAGS } from '../src/worker/node-flags';
import { backfillWorkflow } from '../src/workflows';
import { BenchStack, startBenchStack } from './local-stack';

const SCALE = Number(process.env.SCALE ?? 1);
const DAYS = Number(process.env.DAYS ?? 30);
const EVENTS_PER_DAY = 20_000 * SCALE;
// The simulator's weekends carry 40 % of a weekday: this weekday volume averages EVENTS_PER_DAY.
const WEEKDAY_EVENTS = Math.round((EVENTS_PER_DAY * 7) / (5 + 2 * 0.4));
const ORG_RATE = 300 * SCALE;
const BACKFILL_RATE = 280 * SCALE;
const POLLS = 2;
const CONCURRENCY = 4;

async function main() {
  const sim = await startSimulator({
    seed: 'bench',
    eventsPerDay: WEEKDAY_EVENTS,
    rateLimitPerMinute: ORG_RATE,
    queryPollsToComplete: POLLS,
  });
  let stack: BenchStack | undefined;
  try {
    stack = await startBenchStack('bench');
    const env: Record<string, string> = {
      ...stack.env,
      GENESYS_API_BASE: sim.baseUrl,
      GENESYS_LOGIN_BASE: sim.loginUrl,
      GENESYS_CLIENT_ID: sim.clientId,
      GENESYS_CLIENT_SECRET: sim.clientSecret,
      GENESYS_ORG_REQUESTS_PER_MINUTE: String(ORG_RATE),
      GENESYS_REQUESTS_PER_MINUTE: String(ORG_RATE - BACKFILL_RATE),
      BACKFILL_REQUESTS_PER_MINUTE: String(BACKFILL_RATE),
    };
    loadConfig(env); // a bad setting fails here rather than in the worker

    const worker = spawn(process.execPath, [...WORKER_NODE_FLAGS, path.join(PROJECT_ROOT, 'dist/src/worker/main.js')], {
      env: { ...process.env, ...env, ...WORKER_ENV },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection });
    const queues = taskQueues('bench');
    const to = addDays(dayOf(Date.now()), -2);
    const from = addDays(to, -(DAYS - 1));
    const days = daysBetween(from, to);
    const truthEvents = days.reduce((n, d) => n + sim.truth(d).eventIds.length, 0);
    const floorRequests = days.reduce((n, d) => n + Math.ceil(sim.truth(d).eventIds.length / 500) + 1 + POLLS, 0);

    const before = sim.stats();
    const t0 = Date.now();
    const handle = await client.workflow.start(backfillWorkflow, {
      taskQueue: queues.daily,
      workflowId: `backfill/bench/${from}..${to}`,
      args: [
        { org: 'bench', from, to, concurrency: CONCURRENCY, apiTaskQueue: queues.backfill, lakeTaskQueue: queues.lake },
      ],
    });
    const result = await handle.result();
    const wallMs = Date.now() - t0;
    const stats = sim.stats();

    let historyEvents = 0;
    for (const day of days)
      historyEvents += (await client.workflow.getHandle(workflowIds.collectDay('bench', day)).describe()).historyLength;
    // The work each seal starts (checks, the OCSF copy) is the worker's too: its peak includes them.
    for (const day of days)
      for (const id of [workflowIds.runChecks('bench', day, 1), workflowIds.ocsfExport('bench', day, 1)])
        await client.workflow.getHandle(id).result();
    const rss = readFileSync(`/proc/${worker.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/)?.[1];

    // API requests only: not the token endpoint nor the simulator's own control routes.
    const api = (s: typeof stats) => s.requests - (s.byRoute.oauth ?? 0) - (s.byRoute.sim ?? 0);
    const apiRequests = api(stats) - api(before);
    const r429 = stats.rateLimited + stats.fault429 - before.rateLimited - before.fault429;
    const floorMs = (floorRequests / BACKFILL_RATE) * 60_000;
    const report = {
      scale: SCALE,
      days: DAYS,
      eventsPerDayAverage: Math.round(truthEvents / DAYS),
      backfillBudgetPerMinute: BACKFILL_RATE,
      eventsCollected: result.events,
      eventsInApi: truthEvents,
      wallSeconds: +(wallMs / 1000).toFixed(1),
      floorSeconds: +(floorMs / 1000).toFixed(1),
      wallOverFloor: +(wallMs / floorMs).toFixed(3),
      apiRequests,
      requestsPer1000Events: +((apiRequests / truthEvents) * 1000).toFixed(3),
      http429: r429,
      http429Share: +((r429 / apiRequests) * 100).toFixed(2),
      historyEventsPerDay: Math.round(historyEvents / days.length),
      workerPeakRssMB: rss ? Math.round(Number(rss) / 1024) : null,
    };
    console.log(JSON.stringify(report, null, 2));
    const ok =
      report.wallOverFloor <= 1.15 &&
      report.requestsPer1000Events <= 2.2 &&
      report.http429Share <= 1 &&
      result.events === truthEvents;
    console.log(`targets (<= 1.15x floor, <= 2.2 req/1000 events, <= 1% 429s, every event): ${ok ? 'met' : 'NOT met'}`);
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await connection.close();
    process.exitCode = ok ? 0 : 1;
  } finally {
    await sim.close();
    stack?.s3.destroy();
    await stack?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
