import {
  Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOptions,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import { Config } from '../config/config';
import { KIND, ORG } from '../temporal/search-attributes';
import { taskQueues } from '../temporal/task-queues';
import { dailyCollectWorkflow, schemaRecrawlWorkflow } from '../workflows';
import { scheduleIds, workflowIds } from '../temporal/workflow-ids';

export const dailyScheduleId = scheduleIds.dailyCollect;

/**
 * The daily Schedule: at DAILY_LAG_MINUTES after midnight UTC it starts the daily collection of
 * the previous UTC day. Overlap: BUFFER_ONE (a run due while the last one still runs starts when
 * it ends, never two at once, never dropped); runs missed while Temporal was down within the
 * catch-up window still happen.
 */
export function dailyScheduleOptions(config: Config): ScheduleOptions {
  const queues = taskQueues(config.temporal.taskQueue);
  const lag = config.collection.dailyLagMinutes;
  return {
    scheduleId: dailyScheduleId(config.org),
    spec: { calendars: [{ hour: Math.floor(lag / 60), minute: lag % 60, comment: 'previous UTC day, after the lag' }] },
    action: {
      type: 'startWorkflow',
      workflowType: dailyCollectWorkflow,
      workflowId: workflowIds.dailyCollect(config.org),
      taskQueue: queues.daily,
      args: [
        {
          org: config.org,
          lakeTaskQueue: queues.lake,
          backfillTaskQueue: queues.backfill,
          lagMinutes: lag,
          apiRetentionDays: config.collection.apiRetentionDays,
          backfillConcurrency: config.collection.backfillConcurrency,
          backfillPauseAfterFailedDays: config.collection.backfillPauseAfterFailedDays,
        },
      ],
      typedSearchAttributes: [
        { key: ORG, value: config.org },
        { key: KIND, value: 'daily' },
      ],
      staticSummary: `Daily collection of the previous UTC day for ${config.org}`,
    },
    policies: {
      overlap: ScheduleOverlapPolicy.BUFFER_ONE,
      catchupWindow: `${config.collection.catchupDays} days`,
      pauseOnFailure: false,
    },
    memo: { org: config.org },
  };
}

export function applyDailySchedule(client: Client, config: Config): Promise<'created' | 'updated'> {
  return applySchedule(client, dailyScheduleOptions(config));
}

/** Creates the schedule, or updates its spec, action and policies to the current config. */
async function applySchedule(client: Client, options: ScheduleOptions): Promise<'created' | 'updated'> {
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(options.scheduleId).update((previous) => ({
      ...previous,
      spec: options.spec,
      action: options.action,
      policies: { ...previous.policies, ...options.policies },
    }));
    return 'updated';
  }
}

export interface ScheduleStatus {
  scheduleId: string;
  exists: boolean;
  paused?: boolean;
  note?: string;
  nextRuns?: string[];
  recentRuns?: Array<{ scheduledAt: string; workflowId: string }>;
}

export async function describeDailySchedule(client: Client, org: string): Promise<ScheduleStatus> {
  const scheduleId = dailyScheduleId(org);
  try {
    const d = await client.schedule.getHandle(scheduleId).describe();
    return {
      scheduleId,
      exists: true,
      paused: d.state.paused,
      note: d.state.note,
      nextRuns: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
      recentRuns: d.info.recentActions
        .slice(-5)
        .map((a) => ({ scheduledAt: a.scheduledAt.toISOString(), workflowId: a.action.workflow.workflowId })),
    };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return { scheduleId, exists: false };
    throw err;
  }
}

export const recrawlScheduleId = scheduleIds.schemaRecrawl;

/** The nightly schema recrawl: at SCHEMA_RECRAWL_HOUR UTC, new source fields become columns. */
export function recrawlScheduleOptions(config: Config): ScheduleOptions {
  const queues = taskQueues(config.temporal.taskQueue);
  return {
    scheduleId: recrawlScheduleId(config.org),
    spec: { calendars: [{ hour: config.schema.recrawlHour, minute: 0, comment: 'nightly schema recrawl' }] },
    action: {
      type: 'startWorkflow',
      workflowType: schemaRecrawlWorkflow,
      workflowId: workflowIds.schemaRecrawl(config.org),
      taskQueue: queues.daily,
      args: [{ org: config.org, days: config.schema.recrawlDays, lakeTaskQueue: queues.lake }],
      typedSearchAttributes: [
        { key: ORG, value: config.org },
        { key: KIND, value: 'schema-recrawl' },
      ],
      staticSummary: `Nightly schema recrawl for ${config.org}`,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day', pauseOnFailure: false },
    memo: { org: config.org },
  };
}

export function applyRecrawlSchedule(client: Client, config: Config): Promise<'created' | 'updated'> {
  return applySchedule(client, recrawlScheduleOptions(config));
}
