import { Rng } from './prng';

/**
 * Fault knobs, all off by default. Shares are probabilities in [0, 1]. Decisions come from a
 * seeded generator, so a test run with the same knobs and the same request sequence sees the
 * same faults; per-event faults (late arrival) are fixed per event id and never flicker.
 */
export interface Faults {
  /** Share of API requests answered 429 on top of the per-token budget. */
  rate429Share: number;
  /** Retry-After (seconds) sent with fault 429s. */
  retryAfterSeconds: number;
  /** Share of API requests answered 500, 502, 503 or 504. */
  serverErrorShare: number;
  /** Share of API responses whose connection is reset halfway through the body. */
  resetMidBodyShare: number;
  /** Extra status polls before a query completes (on top of queryPollsToComplete). */
  slowQueryExtraPolls: number;
  /** Lifetime of new access tokens, seconds (Genesys: 86400 by default, 300 to 172800). */
  tokenLifetimeSeconds: number;
  /** Share of async queries that end in state Failed. */
  failedQueryShare: number;
  /** Share of events that become visible in the API hours after their eventDate. */
  lateEventShare: number;
  /** Share of results pages whose last event is repeated as the first of the next page. */
  duplicateAcrossPagesShare: number;
}

export const DEFAULT_FAULTS: Readonly<Faults> = {
  rate429Share: 0,
  retryAfterSeconds: 1,
  serverErrorShare: 0,
  resetMidBodyShare: 0,
  slowQueryExtraPolls: 0,
  tokenLifetimeSeconds: 86_400,
  failedQueryShare: 0,
  lateEventShare: 0,
  duplicateAcrossPagesShare: 0,
};

const SHARES: Array<keyof Faults> = [
  'rate429Share',
  'serverErrorShare',
  'resetMidBodyShare',
  'failedQueryShare',
  'lateEventShare',
  'duplicateAcrossPagesShare',
];

/** Validates a partial update; throws RangeError naming the bad knob. */
export function mergeFaults(current: Faults, update: Partial<Record<keyof Faults, unknown>>): Faults {
  const next: Faults = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (!(key in DEFAULT_FAULTS)) throw new RangeError(`unknown fault knob: ${key}`);
    const k = key as keyof Faults;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new RangeError(`${key}: expected a number >= 0`);
    if (SHARES.includes(k) && value > 1) throw new RangeError(`${key}: expected a share between 0 and 1`);
    if (k === 'tokenLifetimeSeconds' && value < 1) throw new RangeError(`${key}: expected at least 1 second`);
    next[k] = value;
  }
  return next;
}

/** The seeded dice the server rolls for request-level faults. */
export class FaultDice {
  private readonly rng: Rng;

  constructor(seed: string) {
    this.rng = new Rng(seed, 'faults');
  }

  roll(share: number): boolean {
    return share > 0 && this.rng.next() < share;
  }

  pick<T>(items: readonly T[]): T {
    return this.rng.pick(items);
  }
}
