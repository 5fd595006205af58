import { proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { createAccessActivities, StageAccessResult, WriteAccessResult } from '../activities/access';
import { RETRY } from './retry-policies';

type AccessActivities = ReturnType<typeof createAccessActivities>;

export interface AccessSnapshotInput {
  org: string;
  /** A sealed UTC day, YYYY-MM-DD: the snapshot is filed under it and listed in its manifest. */
  day: string;
  /** Task queue of the API activity (its rate limit is the daily API budget); default: this workflow's. */
  apiTaskQueue?: string;
  /** Task queue of the lake activity (DuckDB and S3 work). */
  lakeTaskQueue: string;
  /** daily: started by the daily collection (honours the worker's ACCESS_SNAPSHOT_DAILY). */
  trigger?: 'daily' | 'manual';
}

export type AccessSnapshotSummary =
  ({ status: 'written' } & WriteAccessResult) | { status: 'skipped'; day: string; reason: string };

/**
 * The access snapshot of one day (`access-snapshot/<org>/<day>`): reads users, roles, grants,
 * OAuth clients and divisions from Genesys on the API queue, stages them masked, then writes one
 * locked Parquet file per table and a signed manifest version of the day that lists them. History
 * holds counts, keys and hashes only. A second run for the same day writes nothing.
 */
export async function accessSnapshotWorkflow(input: AccessSnapshotInput): Promise<AccessSnapshotSummary> {
  const api = proxyActivities<AccessActivities>({
    taskQueue: input.apiTaskQueue ?? workflowInfo().taskQueue,
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '2 minutes',
    retry: RETRY.apiAndLake,
  });
  const lake = proxyActivities<AccessActivities>({
    taskQueue: input.lakeTaskQueue,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '1 minute',
    retry: RETRY.apiAndLake,
  });
  const runId = workflowInfo().firstExecutionRunId;
  setCurrentDetails(`${input.day}: reading the access configuration`);
  const staged: StageAccessResult = await api.stageAccessSnapshot({
    org: input.org,
    day: input.day,
    runId,
    trigger: input.trigger ?? 'manual',
  });
  if (staged.status === 'skipped') {
    setCurrentDetails(`${input.day}: ${staged.reason}`);
    return { status: 'skipped', day: input.day, reason: staged.reason };
  }
  setCurrentDetails(`${input.day}: writing ${staged.staged.tables.length} tables (${staged.staged.requests} requests)`);
  const written = await lake.writeAccessSnapshot({
    org: input.org,
    day: input.day,
    runId,
    sealedAt: new Date().toISOString(),
  });
  setCurrentDetails(
    `${input.day}: snapshot v${written.version}, ${written.objects.length} tables, ${written.requests} requests` +
      (written.notReadable.length ? `; not readable: ${written.notReadable.map((n) => n.table).join(', ')}` : ''),
  );
  return { status: 'written', ...written };
}
