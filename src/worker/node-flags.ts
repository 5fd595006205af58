import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags of the worker process (the Dockerfile's CMD and the benchmarks start it with them).
 * On a machine with gigabytes of memory V8 lets each isolate's young generation grow to 128 MB:
 * the main thread's and each workflow thread's (one per worker that runs workflows), which kept
 * the worker's resident memory above 400 MB though its live heap is under 100 MB. Objects here
 * are short-lived page batches, so a small young generation costs a few more scavenges, no
 * throughput the API budget does not already bound.
 */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=8'] as const;

/**
 * Environment of the worker process (the Dockerfile's ENV, the benchmarks' spawn). glibc gives
 * each thread that allocates its own malloc arena, up to eight per core; the worker's threads
 * (Temporal's core, the workflow threads, libuv's pool, DuckDB's) each kept freed memory in
 * theirs. Two arenas hold the same work in less resident memory.
 */
export const WORKER_ENV = { MALLOC_ARENA_MAX: '2' } as const;

/**
 * Applies the flags to isolates created from now on: the workflow threads of workers created
 * after this call, also in a process that was not started with them (`gcaudit up`). The main
 * thread's heap is sized at start, hence the command-line flags too.
 */
export function applyWorkerNodeFlags(): void {
  for (const flag of WORKER_NODE_FLAGS) setFlagsFromString(flag);
}
