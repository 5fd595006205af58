import {
  ActivityFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createIngestActivities, IngestObjectSummary, RawObjectRef } from '../activities/ingest';
import { advanceCheckpoint, EMPTY_CHECKPOINT, IngestCheckpoint } from '../ingest/checkpoint';
import type { RehydrationRequest } from '../ingest/envelope';
import { DAY, KIND, ORG } from '../temporal/search-attributes';
import { rehydrateWorkflow } from './rehydrate';
import { RETRY } from './retry-policies';
import { workflowIds } from '../temporal/workflow-ids';

type IngestActivities = ReturnType<typeof createIngestActivities>;

export interface IngestInput {
  org: string;
  rawPrefix: string;
  pollSeconds: number;
  graceMinutes: number;
  rehydrateMaxHours: number;
  /** Rehydrate workflows run here: their activities call the API (its budget is this queue's rate limit). */
  apiTaskQueue: string;
  lakeTaskQueue: string;
  /** Objects one run processes before it continues as new (default 500). */
  objectsPerRun?: number;
  /** Return once a listing finds nothing new (tests, one-off catch-up); default: poll forever. */
  untilIdle?: boolean;
  /** Carried over continue-as-new. */
  state?: IngestState;
}

interface Totals {
  objects: number;
  events: number;
  rows: number;
  duplicates: number;
  rehydrationsStarted: number;
  quarantinedObjects: number;
  partialObjects: number;
  quarantinedLines: number;
  /** Objects whose ingest failed past its retries (quarantined with the failure). */
  failedObjects: number;
}

interface IngestState {
  checkpoint: IngestCheckpoint;
  totals: Totals;
  /** The last few quarantined objects and why, for status. */
  lastQuarantined: Array<{ key: string; reasons: string[] }>;
  lastPollAt: string | null;
  runs: number;
}

export interface IngestStatus extends Totals {
  org: string;
  rawPrefix: string;
  lastKey: string | null;
  /** Keys remembered inside the grace window. */
  recentKeys: number;
  lastQuarantined: IngestState['lastQuarantined'];
  lastPollAt: string | null;
  runs: number;
  phase: 'listing' | 'ingesting' | 'waiting' | 'done';
}

export const pokeSignal = defineSignal('poke');
export const ingestStatusQuery = defineQuery<IngestStatus>('status');

/** Objects listed per activity call, and ingested at the same time. */
const LIST_LIMIT = 100;
const CONCURRENCY = 4;
const MAX_HISTORY_EVENTS = 10_000;

/**
 * `ingest/<org>`: processes each new object under the raw prefix once, in Firehose order. The
 * checkpoint (last key, recent keys in the grace window) is workflow state, carried over
 * continue-as-new. Each object is ingested by an activity on the lake queue that writes its live
 * parts and outcome record; events needing their full record start `rehydrate/<org>/<id>`
 * workflows. An object that keeps failing is quarantined with the failure and skipped, so one
 * poison object never stalls the stream. Polls every pollSeconds (a durable timer); the `poke`
 * signal makes it look at once.
 */
export async function ingestWorkflow(input: IngestInput): Promise<IngestStatus> {
  const lake = proxyActivities<IngestActivities>({
    taskQueue: input.lakeTaskQueue,
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '2 minutes',
    // Retryable failures (storage unavailable) get several minutes; after that the object is
    // quarantined with the failure rather than retried forever.
    retry: RETRY.streamObject,
  });
  const bookkeeping = proxyActivities<IngestActivities>({
    taskQueue: input.lakeTaskQueue,
    startToCloseTimeout: '2 minutes',
    retry: RETRY.streamBookkeeping,
  });

  const state: IngestState = input.state ?? {
    checkpoint: EMPTY_CHECKPOINT,
    totals: {
      objects: 0,
      events: 0,
      rows: 0,
      duplicates: 0,
      rehydrationsStarted: 0,
      quarantinedObjects: 0,
      partialObjects: 0,
      quarantinedLines: 0,
      failedObjects: 0,
    },
    lastQuarantined: [],
    lastPollAt: null,
    runs: 0,
  };
  state.runs++;
  let phase: IngestStatus['phase'] = 'listing';
  let poked = false;
  let objectsThisRun = 0;
  const totals = state.totals;
  const status = (): IngestStatus => ({
    ...totals,
    org: input.org,
    rawPrefix: input.rawPrefix,
    lastKey: state.checkpoint.lastKey,
    recentKeys: state.checkpoint.recent.length,
    lastQuarantined: state.lastQuarantined,
    lastPollAt: state.lastPollAt,
    runs: state.runs,
    phase,
  });
  setHandler(ingestStatusQuery, status);
  setHandler(pokeSignal, () => {
    poked = true;
  });

  const rehydrate = async (requests: RehydrationRequest[]) => {
    await Promise.all(requests.map((request) => startRehydration(input, request)));
    totals.rehydrationsStarted += requests.length;
  };

  const ingestOne = async (ref: RawObjectRef) => {
    let summary: IngestObjectSummary;
    try {
      summary = await lake.ingestRawObject({ org: input.org, rawPrefix: input.rawPrefix, key: ref.key });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const reason = `ingest failed: ${err.cause?.message ?? err.message}`;
      await bookkeeping.quarantineRawObject({ org: input.org, rawPrefix: input.rawPrefix, ref, reason });
      totals.failedObjects++;
      totals.quarantinedObjects++;
      remember(ref.key, [reason]);
      return;
    }
    totals.objects++;
    totals.events += summary.events;
    totals.rows += summary.rows;
    totals.duplicates += summary.duplicates;
    totals.quarantinedLines += summary.quarantinedLines;
    if (summary.status === 'quarantined') totals.quarantinedObjects++;
    if (summary.status === 'partial') totals.partialObjects++;
    if (summary.status !== 'ingested') remember(ref.key, summary.reasons.slice(0, 3));
    await rehydrate(summary.requests);
    for (let offset: number | null = summary.requestsKey ? 0 : null; offset !== null;) {
      const page = await bookkeeping.readRehydrationRequests({ key: summary.requestsKey!, offset });
      await rehydrate(page.requests);
      offset = page.next;
    }
  };
  const remember = (key: string, reasons: string[]) => {
    state.lastQuarantined = [...state.lastQuarantined, { key, reasons }].slice(-5);
  };
  const details = () =>
    setCurrentDetails(
      `${totals.objects} objects, ${totals.events} events, ${totals.rehydrationsStarted} rehydrations started` +
        (totals.quarantinedObjects ? `, ${totals.quarantinedObjects} objects quarantined` : '') +
        (totals.quarantinedLines ? `, ${totals.quarantinedLines} lines quarantined` : '') +
        ` — last ${state.checkpoint.lastKey ?? '(none yet)'}`,
    );
  const continueIfLong = async () => {
    const info = workflowInfo();
    if (
      objectsThisRun >= (input.objectsPerRun ?? 500) ||
      info.historyLength > MAX_HISTORY_EVENTS ||
      info.continueAsNewSuggested
    ) {
      await continueAsNew<typeof ingestWorkflow>({ ...input, state });
    }
  };

  for (;;) {
    await continueIfLong();
    phase = 'listing';
    poked = false;
    const refs = await lake.listRawObjects({
      prefix: input.rawPrefix,
      checkpoint: state.checkpoint,
      graceMinutes: input.graceMinutes,
      limit: LIST_LIMIT,
    });
    state.lastPollAt = new Date().toISOString();
    phase = 'ingesting';
    for (let i = 0; i < refs.length; i += CONCURRENCY) {
      const chunk = refs.slice(i, i + CONCURRENCY);
      await Promise.all(chunk.map(ingestOne));
      // The checkpoint moves only past objects whose outcome is recorded.
      state.checkpoint = advanceCheckpoint(
        state.checkpoint,
        chunk.map((r) => r.key),
        input.rawPrefix,
        input.graceMinutes,
      );
      objectsThisRun += chunk.length;
      details();
      if (i + CONCURRENCY < refs.length) await continueIfLong();
    }
    if (refs.length >= LIST_LIMIT) continue;
    if (refs.length === 0 && input.untilIdle) {
      phase = 'done';
      details();
      return status();
    }
    phase = 'waiting';
    await condition(() => poked, input.pollSeconds * 1000);
  }
}

async function startRehydration(input: IngestInput, request: RehydrationRequest): Promise<void> {
  try {
    await startChild(rehydrateWorkflow, {
      workflowId: workflowIds.rehydrate(input.org, request.eventId),
      taskQueue: input.apiTaskQueue,
      args: [
        {
          org: input.org,
          request,
          maxHours: input.rehydrateMaxHours,
          apiTaskQueue: input.apiTaskQueue,
          lakeTaskQueue: input.lakeTaskQueue,
        },
      ],
      // The rehydration outlives this run (it may wait for hours): the ingest never waits for it.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      // The same event delivered again: a running or finished rehydration stands; a failed one is retried.
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      typedSearchAttributes: [
        { key: ORG, value: input.org },
        { key: DAY, value: request.eventTime.slice(0, 10) },
        { key: KIND, value: 'rehydrate' },
      ],
      staticSummary: `Rehydrate ${request.reason} stream event ${request.eventId} for ${input.org}`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
