import { ApplicationFailure } from '@temporalio/common';
import { GcauditError } from '../errors';

/**
 * Turns our typed errors into ApplicationFailures that keep the stable `type`, mark what no
 * retry can fix as non-retryable, and carry the server's Retry-After as the next retry delay.
 * The message is kept; it never holds a secret (see errors.ts).
 */
export function toApplicationFailure(err: unknown): unknown {
  if (!(err instanceof GcauditError)) return err;
  return ApplicationFailure.create({
    message: err.message,
    type: err.type,
    nonRetryable: !err.retryable,
    nextRetryDelay: err.retryAfterMs,
    cause: err.cause instanceof Error ? err.cause : undefined,
  });
}

type AsyncFn = (...args: never[]) => Promise<unknown>;

/** Wraps every activity so that what it throws reaches Temporal as a typed failure. */
export function withTypedFailures<T extends Record<string, AsyncFn>>(activities: T): T {
  const wrapped: Record<string, AsyncFn> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw toApplicationFailure(err);
      }
    };
  }
  return wrapped as T;
}
