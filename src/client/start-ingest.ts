import { Client, WorkflowHandleWithFirstExecutionRunId, WorkflowIdConflictPolicy } from '@temporalio/client';
import { Config } from '../config/config';
import { KIND, ORG } from '../temporal/search-attributes';
import { taskQueues } from '../temporal/task-queues';
import { ingestWorkflow } from '../workflows';
import { workflowIds } from '../temporal/workflow-ids';

/**
 * Starts `ingest/<org>` with the configured settings, or attaches to the one already running.
 * It runs on the daily queue (where workflows run); its activities go to the lake queue and the
 * rehydrations it starts spend the daily API budget.
 */
export async function startIngest(
  client: Client,
  config: Config,
  org = config.org,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof ingestWorkflow>> {
  const queues = taskQueues(config.temporal.taskQueue);
  const { rawPrefix, pollSeconds, graceMinutes, rehydrateMaxHours } = config.ingest;
  return client.workflow.start(ingestWorkflow, {
    workflowId: workflowIds.ingest(org),
    taskQueue: queues.daily,
    args: [
      {
        org,
        rawPrefix,
        pollSeconds,
        graceMinutes,
        rehydrateMaxHours,
        apiTaskQueue: queues.daily,
        lakeTaskQueue: queues.lake,
      },
    ],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: [
      { key: ORG, value: org },
      { key: KIND, value: 'ingest' },
    ],
    staticSummary: `Ingest the EventBridge stream under ${config.s3.bucket}/${rawPrefix} for ${org} (every ${pollSeconds} s)`,
  });
}
