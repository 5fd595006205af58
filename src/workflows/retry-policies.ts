import type { RetryPolicy } from '@temporalio/common';

/**
 * Every activity retry policy of the workflows, by what the activity does. None lists error
 * types: what no retry can fix is marked at its source (the typed errors in errors.ts carry
 * `retryable`, and activities/typed-failures.ts turns `retryable: false` into a non-retryable
 * failure), so a new error type needs no edit here.
 */
export const RETRY = {
  /** Genesys API calls and lake writes of one day or one event: quick, short backoff, no limit (the timeout bounds it). */
  apiAndLake: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes' },
  /** Long lake jobs (checks, schema recrawl): a few minutes apart, then give up. */
  lakeJob: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
  /** One part delivered to a SIEM: quick retries of a broken connection, then the workflow's own backoff takes over. */
  deliverPart: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 20,
  },
  /** Archive restores: waiting on S3 Glacier, no attempt limit. */
  archiveRestore: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  /** One stream object: several minutes of retries, then it is quarantined with the failure rather than retried forever. */
  streamObject: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
  /** The stream's bookkeeping (checkpoint, listing). */
  streamBookkeeping: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  /** Small status reads: Temporal's default backoff. */
  status: {},
  /** The lake probe: a handful of attempts, so a broken stack fails fast. */
  probe: { maximumAttempts: 5 },
} as const satisfies Record<string, RetryPolicy>;
