import { proxyActivities, setCurrentDetails, sleep } from '@temporalio/workflow';
import type { createRehydrateActivities } from '../activities/rehydrate';
import type { RehydrationRequest } from '../ingest/envelope';
import { RETRY } from './retry-policies';

type RehydrateActivities = ReturnType<typeof createRehydrateActivities>;

export interface RehydrateInput {
  org: string;
  request: RehydrationRequest;
  /** Give up after this long (REHYDRATE_MAX_HOURS): the event becomes a finding. */
  maxHours: number;
  /** The API queue (its rate limit is the API budget); default: this workflow's. */
  apiTaskQueue?: string;
  lakeTaskQueue: string;
}

export interface RehydrateResult {
  eventId: string;
  status: 'rehydrated' | 'unresolved';
  attempts: number;
  via?: 'related' | 'query';
  liveKey?: string;
  findingKey?: string | null;
}

/** First wait after a miss; it doubles up to MAX_WAIT_MS. */
const FIRST_WAIT_MS = 60_000;
const MAX_WAIT_MS = 3_600_000;

/**
 * `rehydrate/<org>/<eventId>`: fetches the full record of a stream event that arrived truncated,
 * unparsable or incomplete, and writes it to the live table. The API may not have it yet (it
 * lags the stream at times): misses are retried with durable timers, backing off from a minute
 * to an hour, for up to maxHours; then the event becomes a finding. Nothing is dropped.
 */
export async function rehydrateWorkflow(input: RehydrateInput): Promise<RehydrateResult> {
  const api = proxyActivities<RehydrateActivities>({
    taskQueue: input.apiTaskQueue,
    // A related call, or an async query polled and paged: a couple of minutes at most.
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '60 seconds',
    retry: RETRY.apiAndLake,
  });
  const lake = proxyActivities<RehydrateActivities>({
    taskQueue: input.lakeTaskQueue,
    startToCloseTimeout: '5 minutes',
    retry: RETRY.apiAndLake,
  });
  const { request } = input;
  const started = Date.now();
  const deadline = started + input.maxHours * 3_600_000;
  let wait = FIRST_WAIT_MS;
  for (let attempts = 1; ; attempts++) {
    const attempt = await api.rehydrateEvent({ org: input.org, request });
    if (attempt.status === 'rehydrated') {
      setCurrentDetails(`${request.eventId}: rehydrated via ${attempt.via} after ${attempts} attempt(s)`);
      return { eventId: request.eventId, status: 'rehydrated', attempts, via: attempt.via, liveKey: attempt.liveKey };
    }
    const why =
      attempt.status === 'invalid'
        ? `the API's record is invalid too (${attempt.reason})`
        : `not returned by ${attempt.via === 'related' ? 'realtime/related' : 'the async query'}`;
    const left = deadline - Date.now();
    if (attempt.status === 'invalid' || left <= 0) {
      const { findingKey } = await lake.recordUnresolvedEvent({ org: input.org, request, attempts, why });
      setCurrentDetails(`${request.eventId}: UNRESOLVED after ${attempts} attempt(s): ${why}`);
      return { eventId: request.eventId, status: 'unresolved', attempts, findingKey };
    }
    setCurrentDetails(
      `${request.eventId}: ${request.reason} on the stream; attempt ${attempts} ${why}; next in ${Math.round(Math.min(wait, left) / 60_000)} min`,
    );
    await sleep(Math.min(wait, left));
    wait = Math.min(wait * 2, MAX_WAIT_MS);
  }
}
