import {
  ParentClosePolicy,
  patched,
  proxyActivities,
  setCurrentDetails,
  startChild,
  workflowInfo,
  WorkflowIdReusePolicy,
  executeChild,
} from '@temporalio/workflow';
import {
  defineSearchAttributeKey,
  SearchAttributeType,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/common';
import type { createLakeStatusActivities } from '../activities/lake-status';
import { addDays, collectionDay, dayOf } from '../days';
import { DAY, KIND, ORG } from '../temporal/search-attributes';
import { accessSnapshotWorkflow } from './access-snapshot';
import { backfillWorkflow } from './backfill';
import { collectDayWorkflow, CollectDaySummary } from './collect-day';
import { RETRY } from './retry-policies';
import { workflowIds } from '../temporal/workflow-ids';

export interface DailyCollectInput {
  org: string;
  lakeTaskQueue: string;
  backfillTaskQueue: string;
  /** The schedule fires this long after midnight UTC. */
  lagMinutes: number;
  /** The API's retention: older unsealed days cannot be collected any more. */
  apiRetentionDays: number;
  backfillConcurrency: number;
  /** BACKFILL_PAUSE_AFTER_FAILED_DAYS for the gap backfills; absent in schedules applied before it was a setting. */
  backfillPauseAfterFailedDays?: number;
  /** Tests only: the moment the run counts as due (epoch ms), to pin the day rule's clock. */
  dueMs?: number;
}

export interface DailyCollectResult {
  day: string;
  collected: CollectDaySummary | 'already running';
  gapBackfills: Array<{ from: string; to: string; workflowId: string; started: boolean }>;
  /** The day's access snapshot, started once the day is sealed (absent in runs from before it existed). */
  accessSnapshot?: { workflowId: string; started: boolean };
}

/** Set by Temporal on runs started by a schedule: the time the run was due (not when it started). */
const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/**
 * Started by the daily Schedule: collects the previous UTC day, then looks for earlier unsealed
 * days inside the API's retention and starts backfills for them (on the backfill queue, at its
 * lower budget).
 */
export async function dailyCollectWorkflow(input: DailyCollectInput): Promise<DailyCollectResult> {
  const due = input.dueMs ?? workflowInfo().typedSearchAttributes.get(SCHEDULED_START)?.getTime() ?? Date.now();
  const day = collectionDay(due, input.lagMinutes);
  setCurrentDetails(`collecting ${day}`);

  let collected: DailyCollectResult['collected'];
  try {
    collected = await executeChild(collectDayWorkflow, {
      workflowId: workflowIds.collectDay(input.org, day),
      args: [{ org: input.org, day, lakeTaskQueue: input.lakeTaskQueue }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      typedSearchAttributes: [
        { key: ORG, value: input.org },
        { key: DAY, value: day },
        { key: KIND, value: 'collect-day' },
      ],
      staticSummary: `Collect ${day} for ${input.org} (daily schedule)`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    collected = 'already running';
  }

  // The snapshot lists its tables in the day's manifest, so it follows the seal; on the daily
  // queue, inside the daily API budget. It outlives this run (a failed snapshot is its own to retry).
  let accessSnapshot: DailyCollectResult['accessSnapshot'];
  if (patched('access-snapshot-after-collect') && typeof collected !== 'string') {
    const workflowId = workflowIds.accessSnapshot(input.org, day);
    try {
      await startChild(accessSnapshotWorkflow, {
        workflowId,
        args: [{ org: input.org, day, lakeTaskQueue: input.lakeTaskQueue, trigger: 'daily' }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        typedSearchAttributes: [
          { key: ORG, value: input.org },
          { key: DAY, value: day },
          { key: KIND, value: 'access-snapshot' },
        ],
        staticSummary: `Access snapshot of ${day} for ${input.org} (daily schedule)`,
      });
      accessSnapshot = { workflowId, started: true };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      accessSnapshot = { workflowId, started: false };
    }
  }

  const { findUnsealedDays } = proxyActivities<ReturnType<typeof createLakeStatusActivities>>({
    taskQueue: input.lakeTaskQueue,
    startToCloseTimeout: '2 minutes',
    retry: RETRY.status,
  });
  const oldest = addDays(dayOf(due), -(input.apiRetentionDays - 1));
  const ranges = await findUnsealedDays({ org: input.org, from: oldest, to: addDays(day, -1) });
  const gapBackfills: DailyCollectResult['gapBackfills'] = [];
  for (const range of ranges) {
    const workflowId = workflowIds.backfill(input.org, range.from, range.to);
    try {
      await startChild(backfillWorkflow, {
        workflowId,
        args: [
          {
            org: input.org,
            from: range.from,
            to: range.to,
            concurrency: input.backfillConcurrency,
            pauseAfterFailedDays: input.backfillPauseAfterFailedDays,
            apiTaskQueue: input.backfillTaskQueue,
            lakeTaskQueue: input.lakeTaskQueue,
          },
        ],
        // The backfill outlives this run; a gap already being filled is left to that backfill.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        typedSearchAttributes: [
          { key: ORG, value: input.org },
          { key: KIND, value: 'backfill' },
        ],
        staticSummary: `Backfill gap ${range.from}..${range.to} for ${input.org} (found by the daily run of ${day})`,
      });
      gapBackfills.push({ ...range, workflowId, started: true });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      gapBackfills.push({ ...range, workflowId, started: false });
    }
  }
  setCurrentDetails(
    `${day}: ${typeof collected === 'string' ? collected : `sealed, ${collected.dayEvents} events`}` +
      (gapBackfills.length ? `; ${gapBackfills.length} gap backfill(s) for earlier unsealed days` : ''),
  );
  return { day, collected, gapBackfills, ...(accessSnapshot ? { accessSnapshot } : {}) };
}
