import {
  ApplicationFailure,
  continueAsNew,
  defineQuery,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createCollectActivities } from '../activities/collect';
import type { SealResult } from '../lake/day-sealer';
import { dayInterval } from '../days';
import { DAY, KIND, ORG } from '../temporal/search-attributes';
import { ocsfExportWorkflow } from './ocsf-export';
import { runChecksWorkflow } from './run-checks';
import { RETRY } from './retry-policies';
import { workflowIds } from '../temporal/workflow-ids';

type CollectActivities = ReturnType<typeof createCollectActivities>;

export interface CollectDayInput {
  org: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** Task queue of the API activities (its rate limit is the API budget); default: this workflow's. */
  apiTaskQueue?: string;
  /** Task queue of the lake activities (sealing). */
  lakeTaskQueue: string;
  /** Carried over continue-as-new. */
  state?: CollectState;
  /** Start the compliance checks of the day once it is sealed with new events (default true; the worker's CHECKS_AFTER_SEAL can still turn them off). */
  checksAfterSeal?: boolean;
  /** Write the day's OCSF copy once it is sealed with new events (default true; the worker's OCSF_AFTER_SEAL can still turn it off). */
  ocsfAfterSeal?: boolean;
}

interface Window {
  start: string;
  end: string;
  transactionId: string | null;
  cursor: string | null;
  page: number;
  done: boolean;
}

interface Counters {
  requests: number;
  pages: number;
  events: number;
  rows: number;
  invalid: number;
  rateLimited: number;
  splits: number;
}

interface CollectState {
  /** Staging folder: stable across continue-as-new, so no page is lost or staged twice. */
  runId: string;
  windows: Window[];
  transactionIds: string[];
  counters: Counters;
}

/** The collection's counters and what its seal did. */
export interface CollectDaySummary extends Counters, Omit<SealResult, 'newRows'> {
  org: string;
}

export const collectProgressQuery = defineQuery<Counters & { windows: number; windowsDone: number; state: string }>(
  'progress',
);

/** Smallest window a failed query is split down to. */
const MIN_WINDOW_MS = 15 * 60_000;
/** Continue-as-new well before Temporal's history limits, even for a huge day. */
const MAX_HISTORY_EVENTS = 10_000;

/**
 * Collects one UTC day through the async audit query API and seals it in the lake. The query
 * transaction and cursor live in workflow state, and each page is staged before its cursor is
 * recorded, so a worker crash resumes at the next page. Running it again for a sealed day
 * changes nothing unless the API now has new events (they become a supplement).
 */
export async function collectDayWorkflow(input: CollectDayInput): Promise<CollectDaySummary> {
  const api = proxyActivities<CollectActivities>({
    taskQueue: input.apiTaskQueue ?? workflowInfo().taskQueue,
    // One request and one staged chunk: seconds. Short, so a dead worker's page is retried soon.
    startToCloseTimeout: '30 seconds',
    retry: RETRY.apiAndLake,
  });
  const lake = proxyActivities<CollectActivities>({
    taskQueue: input.lakeTaskQueue,
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '20 seconds',
    retry: RETRY.apiAndLake,
  });

  const { start, end } = dayInterval(input.day);
  const state: CollectState = input.state ?? {
    runId: workflowInfo().firstExecutionRunId,
    windows: [{ start, end, transactionId: null, cursor: null, page: 0, done: false }],
    transactionIds: [],
    counters: { requests: 0, pages: 0, events: 0, rows: 0, invalid: 0, rateLimited: 0, splits: 0 },
  };
  let phase = 'collecting';
  setHandler(collectProgressQuery, () => ({
    ...state.counters,
    windows: state.windows.length,
    windowsDone: state.windows.filter((w) => w.done).length,
    state: phase,
  }));
  const counters = state.counters;
  const count = (r: { requests: number; rateLimited: number }) => {
    counters.requests += r.requests;
    counters.rateLimited += r.rateLimited;
  };

  for (let i = 0; i < state.windows.length; i++) {
    const queryWindow = state.windows[i];
    while (!queryWindow.done) {
      if (!queryWindow.transactionId) {
        const submitted = await api.submitAuditQuery({ interval: `${queryWindow.start}/${queryWindow.end}` });
        count(submitted);
        const final = await waitForQuery(api, submitted.transactionId, submitted.state, count);
        if (final !== 'Succeeded') {
          const ms = Date.parse(queryWindow.end) - Date.parse(queryWindow.start);
          if (ms <= MIN_WINDOW_MS) {
            throw ApplicationFailure.nonRetryable(
              `the audit query for ${queryWindow.start}/${queryWindow.end} ended ${final} even at the smallest window; check the org's audit service and start this workflow again`,
              'AuditQueryFailed',
            );
          }
          // A query over a very large window can fail: split it in two and try each half.
          const mid = new Date(Date.parse(queryWindow.start) + Math.floor(ms / 2 / 60_000) * 60_000).toISOString();
          state.windows.splice(i, 1, { ...queryWindow, end: mid }, { ...queryWindow, start: mid });
          counters.splits++;
          i--;
          break;
        }
        queryWindow.transactionId = submitted.transactionId;
        state.transactionIds.push(submitted.transactionId);
      }
      const page = await api.fetchAuditPage({
        org: input.org,
        day: input.day,
        runId: state.runId,
        window: i,
        page: queryWindow.page,
        transactionId: queryWindow.transactionId,
        cursor: queryWindow.cursor,
      });
      count(page);
      queryWindow.page++;
      queryWindow.cursor = page.cursor;
      queryWindow.done = page.cursor === null;
      counters.pages++;
      counters.events += page.events;
      counters.rows += page.rows;
      counters.invalid += page.invalid;
      setCurrentDetails(
        `${input.day}: ${counters.pages} pages, ${counters.events} events, ${counters.requests} requests${counters.rateLimited ? `, ${counters.rateLimited} rate limited` : ''}`,
      );
      if (workflowInfo().historyLength > MAX_HISTORY_EVENTS || workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof collectDayWorkflow>({ ...input, state });
      }
    }
  }

  phase = 'sealing';
  const sealed = await lake.sealCollectedDay({
    org: input.org,
    day: input.day,
    runId: state.runId,
    sealedAt: new Date().toISOString(),
    query: {
      api: 'POST /api/v2/audits/query',
      interval: `${start}/${end}`,
      serviceName: null,
      transactionIds: state.transactionIds,
      pageSize: 500,
      pages: counters.pages,
      requests: counters.requests,
    },
  });
  phase = 'sealed';
  // After sealing, the day's checks run on their own (a child that outlives this workflow);
  // only when the seal added events, so collecting an unchanged day again runs nothing twice.
  if (patched('run-checks-after-seal') && sealed.changed && input.checksAfterSeal !== false) {
    await startDayChecks(input, sealed.version, start, end);
  }
  // The OCSF copy for Security Lake, derived from the seal, on its own as the checks are.
  if (patched('ocsf-after-seal') && sealed.changed && input.ocsfAfterSeal !== false) {
    await startOcsfExport(input, sealed.version);
  }
  setCurrentDetails(
    `${input.day}: sealed v${sealed.version}, ${sealed.dayEvents} events${sealed.changed ? `, ${sealed.newEvents} new` : ', unchanged'}`,
  );
  const { newRows: _newRows, ...seal } = sealed;
  return { ...counters, org: input.org, ...seal };
}

async function startDayChecks(input: CollectDayInput, version: number, start: string, end: string): Promise<void> {
  try {
    await startChild(runChecksWorkflow, {
      ...afterSealOptions(
        input,
        workflowIds.runChecks(input.org, input.day, version),
        'run-checks',
        `Compliance checks of ${input.day} (sealed v${version}) for ${input.org}`,
      ),
      args: [{ org: input.org, from: start, to: end, lakeTaskQueue: input.lakeTaskQueue, trigger: 'after-seal' }],
    });
  } catch (err) {
    // Already started for this version (a retried or repeated run): nothing to do.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** What every child started after a seal shares: an id per day and seal version, abandoned by the parent, searchable. */
function afterSealOptions(input: CollectDayInput, workflowId: string, kind: string, summary: string) {
  return {
    workflowId,
    parentClosePolicy: ParentClosePolicy.ABANDON,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: [
      { key: ORG, value: input.org },
      { key: DAY, value: input.day },
      { key: KIND, value: kind },
    ],
    staticSummary: summary,
  };
}

async function startOcsfExport(input: CollectDayInput, version: number): Promise<void> {
  try {
    await startChild(ocsfExportWorkflow, {
      ...afterSealOptions(
        input,
        workflowIds.ocsfExport(input.org, input.day, version),
        'ocsf-export',
        `OCSF copy of ${input.day} (sealed v${version}) for ${input.org}`,
      ),
      args: [{ org: input.org, day: input.day, lakeTaskQueue: input.lakeTaskQueue, trigger: 'after-seal' }],
    });
  } catch (err) {
    // Already started for this version (a retried or repeated run): nothing to do.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** Polls the query with durable timers (0.5 s, 1 s, 2 s ... 30 s) until it ends. */
async function waitForQuery(
  api: CollectActivities,
  transactionId: string,
  state: string,
  count: (r: { requests: number; rateLimited: number }) => void,
): Promise<string> {
  let delay = 500;
  while (state === 'Queued' || state === 'Running') {
    await sleep(delay);
    delay = Math.min(delay * 2, 30_000);
    const polled = await api.auditQueryState({ transactionId });
    count(polled);
    state = polled.state;
  }
  return state;
}
