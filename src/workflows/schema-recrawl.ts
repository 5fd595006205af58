import { proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { createSchemaRecrawlActivities, RecrawlSummary } from '../activities/schema-recrawl';
import { dayOf } from '../days';
import { RETRY } from './retry-policies';

type RecrawlActivities = ReturnType<typeof createSchemaRecrawlActivities>;

export interface SchemaRecrawlInput {
  org: string;
  /** Recent days looked at. */
  days: number;
  lakeTaskQueue?: string;
  /** Default: the day the workflow starts (UTC). */
  today?: string;
}

/**
 * The nightly schema recrawl: new fields of the source, found in `extra` of recent days, become
 * new columns at the end of the tables (Athena: ALTER TABLE ADD COLUMNS; locally the views
 * follow the schema state). Columns are never dropped, renamed or retyped.
 */
export async function schemaRecrawlWorkflow(input: SchemaRecrawlInput): Promise<RecrawlSummary> {
  const lake = proxyActivities<RecrawlActivities>({
    taskQueue: input.lakeTaskQueue ?? workflowInfo().taskQueue,
    startToCloseTimeout: '30 minutes',
    retry: RETRY.lakeJob,
  });
  const started = workflowInfo().startTime;
  const summary = await lake.recrawlLakeSchema({
    org: input.org,
    today: input.today ?? dayOf(started.getTime()),
    days: input.days,
    now: started.toISOString(),
  });
  setCurrentDetails(
    summary.added.length
      ? `added columns: ${summary.added.join(', ')} (schema v${summary.version})`
      : `no new fields (schema v${summary.version})`,
  );
  return summary;
}
