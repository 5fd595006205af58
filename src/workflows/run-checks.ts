import { patched, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { createCheckActivities, RunChecksSummary } from '../activities/checks';
import { RETRY } from './retry-policies';
import type { createDeliverActivities } from '../activities/deliver';

type CheckActivities = ReturnType<typeof createCheckActivities>;

export interface RunChecksInput {
  org: string;
  /** [from, to), ISO-8601 UTC. */
  from: string;
  to: string;
  checkIds?: string[];
  overrides?: Record<string, string>;
  engine?: 'duckdb' | 'athena';
  /** Lake task queue (DuckDB and S3 work); default this workflow's. */
  lakeTaskQueue?: string;
  /** after-seal runs honour the worker's CHECKS_AFTER_SEAL. */
  trigger?: 'after-seal' | 'manual';
}

/**
 * Runs the compliance checks over a window and records the findings in the lake (and posts the
 * webhook). Started after each sealed day by collect-day, and by the CLI. The result is a small
 * summary: counts and the findings objects' keys.
 */
export async function runChecksWorkflow(input: RunChecksInput): Promise<RunChecksSummary> {
  const lake = proxyActivities<CheckActivities>({
    taskQueue: input.lakeTaskQueue ?? workflowInfo().taskQueue,
    startToCloseTimeout: '60 minutes',
    heartbeatTimeout: '5 minutes',
    retry: RETRY.lakeJob,
  });
  const summary = await lake.runComplianceChecks({
    org: input.org,
    from: input.from,
    to: input.to,
    checkIds: input.checkIds,
    overrides: input.overrides,
    engine: input.engine,
    trigger: input.trigger ?? 'manual',
    runAt: workflowInfo().startTime.toISOString(),
  });
  setCurrentDetails(`${input.from} to ${input.to}: ${summary.findings} findings from ${summary.checks.length} checks`);
  // After a seal the day goes to the SIEM, with its findings (a no-op when no sink is configured).
  if (input.trigger === 'after-seal' && patched('deliver-after-seal')) {
    const deliver = proxyActivities<ReturnType<typeof createDeliverActivities>>({
      taskQueue: input.lakeTaskQueue ?? workflowInfo().taskQueue,
      startToCloseTimeout: '1 minute',
      retry: RETRY.lakeJob,
    });
    await deliver.requestDelivery({
      org: input.org,
      days: [input.from.slice(0, 10)],
      workflowTaskQueue: workflowInfo().taskQueue,
      lakeTaskQueue: input.lakeTaskQueue ?? workflowInfo().taskQueue,
    });
  }
  return summary;
}
