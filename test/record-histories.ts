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
import {
  backfillWorkflow,
  collectDayWorkflow,
  dailyCollectWorkflow,
  ingestWorkflow,
  rehydrateWorkflow,
} from '../src/workflows';
import { Secret } from '../src/config/secret';
import { freshLake, uniqueName } from './harness/env';
import { startTestWorkers } from './harness/workers';

const DIR = path.join(PROJECT_ROOT, 'test', 'fixtures', 'histories');

async function save(name: string, handle: WorkflowHandle) {
  const history = await handle.fetchHistory();
  writeFileSync(path.join(DIR, `${name}.json`), historyToJSON(history));
}

// RECORD_ONLY=ingest,rehydrate records just those (the others stay as they are).
const only = process.env.RECORD_ONLY?.split(',');
const want = (name: string) => only === undefined || only.includes(name);

test('record histories', { timeout: 600_000 }, async () => {
  const org = uniqueName('replay');
  const { config, s3 } = await freshLake({
    GCAUDIT_ORG: org,
    LAKE_RETENTION_DAYS: '1',
  });
  // The stream (one object per three hours) goes to the test bucket, for the ingest's history.
  const sim = await startSimulator({
    seed: 'replay',
    eventsPerDay: 900,
    faults: { duplicateAcrossPagesShare: 0.3 },
    firehose: { s3, bucket: config.s3.bucket, prefix: 'raw/', bufferMs: 3 * 3_600_000 },
  });
  const simConfig = {
    ...config,
    genesys: {
      ...config.genesys,
      apiBase: sim.baseUrl,
      loginBase: sim.loginUrl,
      clientId: sim.clientId,
      clientSecret: new Secret(sim.clientSecret),
    },
  };
  const t = await startTestWorkers(simConfig);
  try {
    if (want('ingest') || want('rehydrate')) {
      await sim.firehose!.flush({ day: '2026-08-02' }, { truncatedShare: 0.01, unparsableShare: 0.01 });
      const ingest = await t.client.workflow.start(ingestWorkflow, {
        taskQueue: t.queues.daily,
        workflowId: `ingest/${org}`,
        args: [
          {
            org,
            rawPrefix: 'raw/',
            pollSeconds: 1,
            graceMinutes: 60,
            rehydrateMaxHours: 24,
            apiTaskQueue: t.queues.daily,
            lakeTaskQueue: t.queues.lake,
            untilIdle: true,
          },
        ],
      });
      await ingest.result();
      if (want('ingest')) await save('ingest', ingest);
      const truncated = sim.truth('2026-08-02').stream!.truncated[0];
      const rehydrate = t.client.workflow.getHandle<typeof rehydrateWorkflow>(`rehydrate/${org}/${truncated}`);
      await rehydrate.result();
      if (want('rehydrate')) await save('rehydrate', rehydrate);
    }
    if (!want('collect-day') && !want('backfill') && !want('daily-collect')) return;
    const collect = await t.client.workflow.start(collectDayWorkflow, {
      taskQueue: t.queues.daily,
      workflowId: `collect-day/${org}/2026-08-03`,
      args: [{ org, day: '2026-08-03', lakeTaskQueue: t.queues.lake }],
    });
    await collect.result();
    await save('collect-day', collect);

    const backfill = await t.client.workflow.start(backfillWorkflow, {
      taskQueue: t.queues.daily,
      workflowId: `backfill/${org}/2026-08-04..2026-08-06`,
      args: [
        {
          org,
          from: '2026-08-04',
          to: '2026-08-06',
          concurrency: 2,
          apiTaskQueue: t.queues.backfill,
          lakeTaskQueue: t.queues.lake,
        },
      ],
    });
    await backfill.result();
    await save('backfill', backfill);

    // The daily run for 2026-08-08 collects 08-07 and finds the gap 08-02 and earlier: a
    // retention of 7 days keeps that gap small.
    const daily = await t.client.workflow.start(dailyCollectWorkflow, {
      taskQueue: t.queues.daily,
      workflowId: `daily-collect/${org}`,
      args: [
        {
          org,
          lakeTaskQueue: t.queues.lake,
          backfillTaskQueue: t.queues.backfill,
          lagMinutes: 120,
          apiRetentionDays: 7,
          backfillConcurrency: 2,
        },
      ],
    });
    await daily.result();
    await save('daily-collect', daily);
  } finally {
    await t.stop();
    await sim.close();
    s3.destroy();
  }
});
