/**
 * Records workflow histories for the replay test (test/replay.test.ts): runs each workflow once
 * against the sandbox org and MinIO, and writes its history to test/fixtures/histories/.
 * Run through the harness when a workflow changes on purpose (an incompatible change must also
 * be versioned with patched()):
 *   node --import tsx test/harness/run.ts test/record-histories.ts
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { PROJECT_ROOT } from '../src/paths';
import { startSimulator } from '../src/sim';
import { backfillWorkflow, collectDayWorkflow, dailyCollectWorkflow } from '../src/workflows';
import { freshLake, uniqueName } from './harness/env';
import { startTestWorkers } from './harness/workers';

const DIR = path.join(PROJECT_ROOT, 'test', 'fixtures', 'histories');

async function save(name: string, handle: WorkflowHandle) {
  const history = await handle.fetchHistory();
  writeFileSync(path.join(DIR, `${name}.json`), historyToJSON(history));
}

test('record histories', { timeout: 600_000 }, async () => {
  const sim = await startSimulator({ seed: 'replay', eventsPerDay: 900, faults: { duplicateAcrossPagesShare: 0.3 } });
  const org = uniqueName('replay');
  const { config, s3 } = await freshLake({
    GCAUDIT_ORG: org,
    LAKE_RETENTION_DAYS: '1',
    GENESYS_API_BASE: sim.baseUrl,
    GENESYS_LOGIN_BASE: sim.loginUrl,
    GENESYS_CLIENT_ID: sim.clientId,
    GENESYS_CLIENT_SECRET: sim.clientSecret,
  });
  s3.destroy();
  const t = await startTestWorkers(config);
  try {
    const collect = await t.client.workflow.start(collectDayWorkflow, {
      taskQueue: t.queues.daily,
      workflowId: `collect-day/${org}/2026-08-03`,
      args: [{ org, day: '2026-08-03', lakeTaskQueue: t.queues.lake }],
    });
    await collect.result();
    await save('collect-day', collect);

    const backfill = await t.client.workflow.start(backfillWorkflow, {
      taskQueue: t.queues.backfill,
      workflowId: `backfill/${org}/2026-08-04..2026-08-06`,
      args: [{ org, from: '2026-08-04', to: '2026-08-06', concurrency: 2, lakeTaskQueue: t.queues.lake }],
    });
    await backfill.result();
    await save('backfill', backfill);

    // The daily run for 2026-08-08 collects 08-07 and finds the gap 08-02 and earlier: a
    // retention of 7 days keeps that gap small.
    const daily = await t.client.workflow.start(dailyCollectWorkflow, {
      taskQueue: t.queues.daily,
      workflowId: `daily-collect/${org}`,
      args: [{ org, lakeTaskQueue: t.queues.lake, backfillTaskQueue: t.queues.backfill, lagMinutes: 120, apiRetentionDays: 7, backfillConcurrency: 2 }],
    });
    await daily.result();
    await save('daily-collect', daily);
  } finally {
    await t.stop();
    await sim.close();
  }
});
