import {
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  ParentClosePolicy,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { addDays, dayCount } from '../days';
import { DAY, KIND, ORG } from '../temporal/search-attributes';
import { collectDayWorkflow, CollectDaySummary } from './collect-day';
import { workflowIds } from '../temporal/workflow-ids';

export interface BackfillInput {
  org: string;
  from: string;
  to: string;
  /** Days collected at the same time. */
  concurrency: number;
  /** Failed days after which the backfill pauses itself (BACKFILL_PAUSE_AFTER_FAILED_DAYS); absent in runs started before it was a setting. */
  pauseAfterFailedDays?: number;
  /**
   * Where the days' API activities run (the backfill queue, at the backfill budget). Absent in
   * runs started before every workflow ran on one queue: those ran on the backfill queue itself.
   */
  apiTaskQueue?: string;
  lakeTaskQueue: string;
  /** Carried over continue-as-new. */
  state?: BackfillState;
}

interface Totals {
  daysDone: number;
  events: number;
  newEvents: number;
  requests: number;
  rateLimited: number;
  pages: number;
}

interface BackfillState {
  /** Next day not yet started. */
  next: string;
  /** Days that failed, retried on resume. */
  failed: Array<{ day: string; error: string }>;
  totals: Totals;
  paused: boolean;
  /** Workflow time the backfill started (first run), for the estimate of time left. */
  startedAt: number;
  /** Runs so far (continue-as-new count). */
  runs: number;
}

export interface BackfillProgress extends Totals {
  org: string;
  from: string;
  to: string;
  daysTotal: number;
  running: string[];
  failed: Array<{ day: string; error: string }>;
  paused: boolean;
  /** The policy: pauses once this many days have failed, and at the end of the range if any did. */
  pauseAfterFailedDays: number;
  elapsedSeconds: number;
  etaSeconds: number | null;
  state: 'running' | 'paused' | 'draining' | 'done';
}

export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const backfillProgressQuery = defineQuery<BackfillProgress>('progress');

/** Days a run completes before it continues as new: a two-year backfill stays far under history limits. */
const DAYS_PER_RUN = 60;
/** The default of BACKFILL_PAUSE_AFTER_FAILED_DAYS, and the policy of runs started before it was a setting. */
export const DEFAULT_PAUSE_AFTER_FAILED_DAYS = 3;

/**
 * Collects every day of a range as collect-day children, a bounded number at a time, on the
 * backfill task queue (whose rate limit is the backfill's API budget). Pause stops new days from
 * starting; resume continues and retries failed days first. Progress is a query.
 *
 * Failure policy (one rule): a day fails when its collect-day child fails (after the activities'
 * own retries); the backfill pauses itself once `pauseAfterFailedDays` days have failed since
 * it started or was last resumed, and also when it reaches the end of its range with any failed
 * day, so it never ends with a day missing. Each failed day keeps the root cause of its failure
 * (error type and message); the run's details and `gcaudit status` show them with the command
 * that resumes it.
 */
export async function backfillWorkflow(input: BackfillInput): Promise<BackfillProgress> {
  const apiTaskQueue = input.apiTaskQueue ?? workflowInfo().taskQueue;
  const state: BackfillState = input.state ?? {
    next: input.from,
    failed: [],
    totals: { daysDone: 0, events: 0, newEvents: 0, requests: 0, rateLimited: 0, pages: 0 },
    paused: false,
    startedAt: Date.now(),
    runs: 0,
  };
  const running = new Set<string>();
  let draining = false;
  let daysThisRun = 0;
  const daysTotal = dayCount(input.from, input.to);
  const pauseAfterFailedDays = input.pauseAfterFailedDays ?? DEFAULT_PAUSE_AFTER_FAILED_DAYS;

  const progress = (): BackfillProgress => {
    const elapsedSeconds = Math.round((Date.now() - state.startedAt) / 1000);
    const remaining = daysTotal - state.totals.daysDone;
    const done = state.next > input.to && running.size === 0 && state.failed.length === 0;
    return {
      ...state.totals,
      org: input.org,
      from: input.from,
      to: input.to,
      daysTotal,
      running: [...running].sort(),
      failed: state.failed,
      paused: state.paused,
      pauseAfterFailedDays,
      elapsedSeconds,
      etaSeconds: state.totals.daysDone > 0 ? Math.round((elapsedSeconds / state.totals.daysDone) * remaining) : null,
      state: done ? 'done' : state.paused ? 'paused' : draining ? 'draining' : 'running',
    };
  };
  setHandler(backfillProgressQuery, progress);
  setHandler(pauseSignal, () => {
    state.paused = true;
  });
  setHandler(resumeSignal, () => {
    state.paused = false;
  });
  const showDetails = () => {
    const shown = progress();
    setCurrentDetails(
      `${shown.daysDone}/${shown.daysTotal} days, ${shown.events} events, ${shown.requests} requests` +
        (shown.rateLimited ? `, ${shown.rateLimited} rate limited` : '') +
        (shown.paused ? ` — PAUSED: ${resumeCommand(input)} continues it` : '') +
        (shown.failed.length ? ` — failed: ${shown.failed.map((f) => `${f.day} (${f.error})`).join('; ')}` : ''),
    );
  };

  const collect = async (day: string) => {
    running.add(day);
    try {
      const child = await startChild(collectDayWorkflow, {
        workflowId: workflowIds.collectDay(input.org, day),
        args: [{ org: input.org, day, apiTaskQueue, lakeTaskQueue: input.lakeTaskQueue }],
        // A sealed day may be collected again (a no-op unless the API has new events).
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        typedSearchAttributes: [
          { key: ORG, value: input.org },
          { key: DAY, value: day },
          { key: KIND, value: 'collect-day' },
        ],
        staticSummary: `Collect ${day} for ${input.org} (backfill ${input.from}..${input.to})`,
      });
      const summary: CollectDaySummary = await child.result();
      const totals = state.totals;
      totals.daysDone++;
      totals.events += summary.dayEvents;
      totals.newEvents += summary.newEvents;
      totals.requests += summary.requests;
      totals.rateLimited += summary.rateLimited;
      totals.pages += summary.pages;
    } catch (err) {
      // Includes a day already being collected by another run (the daily job): retried on resume.
      state.failed.push({ day, error: describe(err) });
      if (state.failed.length >= pauseAfterFailedDays) state.paused = true;
    } finally {
      running.delete(day);
      daysThisRun++;
      showDetails();
    }
  };

  showDetails();
  for (;;) {
    await condition(() => !state.paused || running.size === 0);
    if (state.paused) {
      showDetails();
      await condition(() => !state.paused);
      // Resume: failed days go first.
      const retry = state.failed.splice(0).map((f) => f.day);
      for (const day of retry) {
        await condition(() => running.size < input.concurrency);
        void collect(day);
      }
      continue;
    }
    if (daysThisRun >= DAYS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      draining = true;
      await condition(() => running.size === 0);
      await continueAsNew<typeof backfillWorkflow>({ ...input, state: { ...state, runs: state.runs + 1 } });
    }
    if (state.next > input.to) {
      await condition(() => running.size === 0 || state.paused);
      if (state.paused) continue;
      if (state.failed.length === 0) break;
      // The range is done but some days failed: pause rather than end with a day missing.
      state.paused = true;
      continue;
    }
    await condition(() => running.size < input.concurrency || state.paused);
    if (state.paused) continue;
    const day = state.next;
    state.next = addDays(day, 1);
    void collect(day);
  }
  const result = progress();
  if (result.failed.length > 0) {
    throw ApplicationFailure.nonRetryable(
      `backfill ended with failed days: ${result.failed.map((f) => f.day).join(', ')}`,
      'BackfillFailed',
    );
  }
  return result;
}

/** The command that resumes this backfill (and retries its failed days first). */
export function resumeCommand(input: Pick<BackfillInput, 'from' | 'to'>): string {
  return `gcaudit backfill --from ${input.from} --to ${input.to} --resume`;
}

/**
 * Why a day failed, for a person: the root of the failure chain (child workflow -> activity ->
 * the application error an activity threw), with its type, e.g. "AuthError: Genesys refused the
 * client credentials ...". Messages of typed errors name fields and settings, never secrets.
 */
function describe(err: unknown): string {
  let root = err as { cause?: unknown; message?: string; type?: string; name?: string };
  for (let depth = 0; root.cause && depth < 10; depth++) root = root.cause as typeof root;
  const type = root.type ?? (root.name && root.name !== 'Error' ? root.name : undefined);
  const message = root.message ?? String(root);
  return (type ? `${type}: ${message}` : message).slice(0, 500);
}
