import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { createDeliverActivities } from '../activities/deliver';
import type { PartRef } from '../delivery/ledger';
import { RETRY } from './retry-policies';

type DeliverActivities = ReturnType<typeof createDeliverActivities>;

export interface DeliverInput {
  org: string;
  sink: 'splunk';
  lakeTaskQueue: string;
  /** Carried over continue-as-new. */
  state?: DeliverState;
}

export type DayStatus = 'queued' | 'delivering' | 'waiting' | 'delivered' | 'failed' | 'not sealed';

export interface DayRecord {
  day: string;
  status: DayStatus;
  events: number;
  findings: number;
  batchesSent: number;
  batchesSkipped: number;
  resends: number;
  gzipBytes: number;
  /** Waits for an unavailable collector (each a durable timer). */
  retries: number;
  receiptKey?: string;
  error?: string;
}

interface DeliverState {
  queue: string[];
  days: Record<string, DayRecord>;
  startedAt: number;
}

export interface DeliveryProgress {
  org: string;
  sink: string;
  /** The days asked about (the CLI's range), or every day this run knows. */
  daysTotal: number;
  daysDone: number;
  events: number;
  /** Batches sent (the CLI's "requests"). */
  requests: number;
  /** Waits for a busy or unreachable collector (the CLI's "rate limited"). */
  rateLimited: number;
  resends: number;
  etaSeconds: number | null;
  failed: Array<{ day: string; error: string }>;
  paused: boolean;
  state: 'running' | 'waiting' | 'done';
  days: DayRecord[];
}

export const deliverSignal = defineSignal<[{ days: string[] }]>('deliver');
/** Progress of the given days (all known days when none are given). */
export const deliveryProgressQuery = defineQuery<DeliveryProgress, [string[]?]>('progress');

/** First wait after the collector was unavailable; doubles up to MAX_WAIT_MS. */
const FIRST_WAIT_MS = 30_000;
const MAX_WAIT_MS = 30 * 60_000;
/** Days a run delivers before it continues as new; days remembered for progress across runs. */
const DAYS_PER_RUN = 50;
const DAYS_REMEMBERED = 400;
/** An idle workflow stays this long for followers and further days before it completes. */
const LINGER_MS = 5 * 60_000;

/**
 * `deliver/<org>/<sink>`: one per sink, so a day is never delivered twice at once. Days arrive
 * by signal (after each sealed day's checks, and from gcaudit deliver) and are delivered in
 * order: plan (what no receipt covers), each part verified and sent by an activity that records
 * its batches in the ledger, then the day's receipt. A collector that is busy or unreachable is
 * waited out with durable timers and backoff for SPLUNK_RETRY_MAX_HOURS; a refusal (bad token,
 * bad index) fails the day with its cause. Only keys, counts and hashes pass through history.
 */
export async function deliverWorkflow(input: DeliverInput): Promise<DeliveryProgress> {
  const lake = proxyActivities<DeliverActivities>({
    taskQueue: input.lakeTaskQueue,
    startToCloseTimeout: '2 hours',
    // A killed worker's part is retried (and resumed from the ledger) this soon.
    heartbeatTimeout: '30 seconds',
    // HecRejected and HecUnavailable are non-retryable at their source: a refusal needs a person, and
    // an outage is waited out by this workflow's durable timers, not by activity retries.
    retry: RETRY.deliverPart,
  });
  const state: DeliverState = input.state ?? { queue: [], days: {}, startedAt: Date.now() };
  let current: string | null = null;
  let daysThisRun = 0;

  const enqueue = (days: string[]) => {
    for (const day of days) {
      if (state.queue.includes(day) || day === current) continue;
      state.queue.push(day);
      // Counts are per request: a delivered day asked for again shows what this request sent (nothing).
      state.days[day] = empty(day);
    }
    state.queue.sort();
  };
  setHandler(deliverSignal, ({ days }) => enqueue(days));
  setHandler(deliveryProgressQuery, (days?: string[]) => progress(input, state, days));

  const show = () => {
    const p = progress(input, state);
    setCurrentDetails(
      `${p.daysDone}/${p.daysTotal} days, ${p.events} events, ${p.requests} batches${p.resends ? `, ${p.resends} resent` : ''}` +
        (current ? ` — ${current}: ${state.days[current].status}` : '') +
        (p.failed.length ? ` — failed: ${p.failed.map((f) => f.day).join(', ')}` : ''),
    );
  };

  for (;;) {
    if (state.queue.length === 0) {
      show();
      if (!(await condition(() => state.queue.length > 0, LINGER_MS))) break;
    }
    if (daysThisRun >= DAYS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof deliverWorkflow>({ ...input, state: trimmed(state) });
    }
    const day = state.queue.shift()!;
    current = day;
    await deliverDay(lake, input, state.days[day], show);
    current = null;
    daysThisRun++;
  }
  return progress(input, state);
}

async function deliverDay(
  lake: DeliverActivities,
  input: DeliverInput,
  rec: DayRecord,
  show: () => void,
): Promise<void> {
  rec.status = 'delivering';
  rec.error = undefined;
  show();
  try {
    const plan = await lake.planDayDelivery({ org: input.org, sink: input.sink, day: rec.day });
    if (!plan.sealed) {
      rec.status = 'not sealed';
      return;
    }
    const delivered: Array<{ part: PartRef; batches: number }> = [];
    for (const part of plan.pending) {
      const started = Date.now();
      let wait = FIRST_WAIT_MS;
      for (;;) {
        try {
          rec.status = 'delivering';
          const r = await lake.deliverPart({ org: input.org, sink: input.sink, day: rec.day, part });
          if (part.kind === 'events') rec.events += r.events;
          else rec.findings += r.events;
          rec.batchesSent += r.batchesSent;
          rec.batchesSkipped += r.batchesSkipped;
          rec.resends += r.resends;
          rec.gzipBytes += r.gzipBytes;
          delivered.push({ part, batches: r.batches });
          break;
        } catch (err) {
          if (failureType(err) !== 'HecUnavailable') throw err;
          const left = started + plan.retryMaxHours * 3_600_000 - Date.now();
          if (left <= 0) throw err;
          // The collector is busy or down: wait durably, then resume from the ledger.
          rec.status = 'waiting';
          rec.retries++;
          rec.error = failureMessage(err);
          show();
          await sleep(Math.min(wait, left));
          wait = Math.min(wait * 2, MAX_WAIT_MS);
        }
      }
      show();
    }
    if (delivered.length > 0) {
      const receipt = await lake.writeDeliveryReceipt({
        org: input.org,
        sink: input.sink,
        day: rec.day,
        manifest: plan.manifest!,
        parts: delivered,
      });
      rec.receiptKey = receipt.key;
    }
    rec.status = 'delivered';
    rec.error = undefined;
  } catch (err) {
    rec.status = 'failed';
    rec.error = failureMessage(err);
  } finally {
    show();
  }
}

function empty(day: string): DayRecord {
  return {
    day,
    status: 'queued',
    events: 0,
    findings: 0,
    batchesSent: 0,
    batchesSkipped: 0,
    resends: 0,
    gzipBytes: 0,
    retries: 0,
  };
}

function progress(input: DeliverInput, state: DeliverState, only?: string[]): DeliveryProgress {
  const days =
    only && only.length
      ? only.map((d) => state.days[d] ?? { ...empty(d), status: 'queued' as const })
      : Object.values(state.days);
  const settled = days.filter((d) => d.status === 'delivered' || d.status === 'not sealed' || d.status === 'failed');
  const failed = days.filter((d) => d.status === 'failed').map((d) => ({ day: d.day, error: d.error ?? 'failed' }));
  const elapsed = Math.round((Date.now() - state.startedAt) / 1000);
  const done = settled.length;
  const waiting = days.some((d) => d.status === 'waiting');
  return {
    org: input.org,
    sink: input.sink,
    daysTotal: days.length,
    daysDone: done,
    events: days.reduce((n, d) => n + d.events, 0),
    requests: days.reduce((n, d) => n + d.batchesSent, 0),
    rateLimited: days.reduce((n, d) => n + d.retries, 0),
    resends: days.reduce((n, d) => n + d.resends, 0),
    etaSeconds: done > 0 && done < days.length ? Math.round((elapsed / done) * (days.length - done)) : null,
    failed,
    paused: false,
    state: done === days.length ? 'done' : waiting ? 'waiting' : 'running',
    days,
  };
}

/** The newest days only, so state carried over continue-as-new stays small. */
function trimmed(state: DeliverState): DeliverState {
  const keep = new Set([...Object.keys(state.days).sort().slice(-DAYS_REMEMBERED), ...state.queue]);
  return { ...state, days: Object.fromEntries([...keep].map((d) => [d, state.days[d]])) };
}

function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return ((cause as Error)?.message ?? String(err)).slice(0, 400);
}
