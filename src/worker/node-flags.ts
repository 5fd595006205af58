import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags of the worker process (the Dockerfile's CMD, `npm start` and the benchmarks start it
 * with them; workflow threads take them too). V8 sizes its heaps from the machine's memory: each
 * isolate's young generation up to 128 MB, and an old generation of gigabytes that it lets fill
 * with garbage before a full collection (during a backfill the main thread's heap reached 150-250
 * MB with 60 MB live, the worker's RSS 420 MB while collecting). A 2 MB semi-space (young
 * generation 6 MB: page batches are short-lived) and a 384 MB old-generation ceiling keep the
 * heap near its live size (~60 MB; RSS ~235 MB while collecting then, bench:backfill); the ceiling
 * leaves room for what a large day still holds in JS (a stream day's ids at reconciliation).
 */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=384'] as const;

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
