import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<{ requests: number }>();

/**
 * Counts the API requests made while `fn` runs, and only those: one client serves every
 * activity of a process at once, so its totals cannot say what one activity cost.
 */
export async function countRequests<T>(fn: () => Promise<T>): Promise<{ value: T; requests: number }> {
  const counter = { requests: 0 };
  const value = await scope.run(counter, fn);
  return { value, requests: counter.requests };
}

/** Called by the client for every request it sends. */
export function noteRequest(): void {
  const counter = scope.getStore();
  if (counter) counter.requests++;
}
