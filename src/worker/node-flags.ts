import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags of the worker process (the Dockerfile's CMD, `npm start` and the benchmarks start it
 * with them; workflow threads take them too). V8 sizes its heaps from the machine's memory: each
 * isolate's young generation up to 128 MB, and an old generation of gigabytes that it lets fill
 * with garbage before a full collection (during a backfill the main thread's heap reached 150-250
 * MB with 60 MB live, the worker's RSS 420 MB while collecting). A 384 MB old-generation ceiling
 * leaves room for what a large day still holds in JS (a stream day's ids at reconciliation).
 * --optimize-for-size makes V8 favour memory over speed (the main heap ~55 MB instead of ~65; it
 * implies the 1 MB semi-space set here too: page batches are short-lived), which suits a worker
 * that waits on the API's rate limit: a 10-day bench:backfill used ~30% more CPU time (76 s to
 * 92-113 s), took the same wall time, and stayed ~40 MB lower between tasks (~230 MB, was ~270).
 */
export const WORKER_NODE_FLAGS = [
  '--max-semi-space-size=1',
  '--max-old-space-size=384',
  '--optimize-for-size',
] as const;

/**
 * Environment of the worker process (the Dockerfile's ENV, `npm start`, the benchmarks' spawn).
 * - MALLOC_ARENA_MAX: glibc gives each thread that allocates its own malloc arena, up to eight
 *   per core; the worker's threads (Temporal's core, the workflow threads, libuv's pool) each
 *   kept freed memory in theirs. Two arenas hold the same work in less resident memory.
 * - DUCKDB_JE_MALLOC_CONF: DuckDB's own allocator (jemalloc, read at load) returns freed pages
 *   to the OS at once instead of after a second. A task's DuckDB queries run on whichever of
 *   libuv's threads is free, so pages one query freed were not reused by the next and a seal's
 *   phases added up: a day's merge took +20 MB resident, now +10, no slower.
 */
export const WORKER_ENV = {
  MALLOC_ARENA_MAX: '2',
  DUCKDB_JE_MALLOC_CONF: 'dirty_decay_ms:0,muzzy_decay_ms:0',
} as const;

/**
 * Applies the flags to isolates created from now on: the workflow threads of workers created
 * after this call, also in a process that was not started with them (`gcaudit up`). The main
 * thread's heap is sized at start, hence the command-line flags too.
 */
export function applyWorkerNodeFlags(): void {
  for (const flag of WORKER_NODE_FLAGS) setFlagsFromString(flag);
}
