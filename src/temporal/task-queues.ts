/**
 * Task queues, derived from TEMPORAL_TASK_QUEUE. The API queues carry the API budgets as
 * Temporal task-queue rate limits, which the server enforces across every worker process.
 */
export function taskQueues(base: string) {
  return {
    /**
     * Every workflow (a worker process then runs one workflow sandbox, not one per queue), and
     * the daily collection's API activities at the daily budget.
     */
    daily: base,
    /** The backfills' API activities, at a lower budget; their workflows run on `daily`. */
    backfill: `${base}-backfill`,
    /** Lake work (sealing, ingest, checks): no API budget. */
    lake: `${base}-lake`,
  };
}
