import { proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { createOcsfActivities, OcsfExportSummary } from '../activities/ocsf';
import { RETRY } from './retry-policies';

type OcsfActivities = ReturnType<typeof createOcsfActivities>;

export interface OcsfExportInput {
  org: string;
  /** A sealed UTC day, YYYY-MM-DD. */
  day: string;
  /** Lake task queue (DuckDB and S3 work); default this workflow's. */
  lakeTaskQueue?: string;
  /** after-seal runs honour the worker's OCSF_AFTER_SEAL. */
  trigger?: 'after-seal' | 'manual';
}

/**
 * Writes the OCSF 1.1 copy of a sealed day for Amazon Security Lake (one Parquet object per
 * class and seal version). Started after each seal by collect-day; the keys are deterministic and
 * an existing object is left as it is, so a retry or a second run writes nothing twice.
 */
export async function ocsfExportWorkflow(input: OcsfExportInput): Promise<OcsfExportSummary> {
  const lake = proxyActivities<OcsfActivities>({
    taskQueue: input.lakeTaskQueue ?? workflowInfo().taskQueue,
    startToCloseTimeout: '30 minutes',
    retry: RETRY.lakeJob,
  });
  const summary = await lake.exportOcsfDay({ org: input.org, day: input.day, trigger: input.trigger ?? 'manual' });
  setCurrentDetails(`${input.day}: ${summary.events} events as OCSF, ${summary.written} objects written`);
  return summary;
}
