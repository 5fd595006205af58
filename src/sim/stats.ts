/** Counters a test or benchmark reads to see what the simulator did. */
export interface SimStats {
  requests: number;
  byStatus: Record<string, number>;
  byRoute: Record<string, number>;
  /** 429s from the per-token budget. */
  rateLimited: number;
  /** 429s from the rate429Share fault. */
  fault429: number;
  fault5xx: number;
  resets: number;
  tokensIssued: number;
  queriesSubmitted: number;
  resultsPages: number;
  redirects: number;
  eventsServed: number;
  bytesServed: number;
  duplicatesServed: number;
}

export function emptyStats(): SimStats {
  return {
    requests: 0,
    byStatus: {},
    byRoute: {},
    rateLimited: 0,
    fault429: 0,
    fault5xx: 0,
    resets: 0,
    tokensIssued: 0,
    queriesSubmitted: 0,
    resultsPages: 0,
    redirects: 0,
    eventsServed: 0,
    bytesServed: 0,
    duplicatesServed: 0,
  };
}
