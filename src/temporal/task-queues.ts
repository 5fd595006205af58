/**
 * Task queues, derived from TEMPORAL_TASK_QUEUE. The API queues carry the API budgets as
 * Temporal task-queue rate limits, which the server enforces across every worker process.
 */
export function taskQueues(base: string) {
  return {
    /** Daily collection: its workflows and API activities. */
    daily: base,
    /** Backfills: their workflows and API activities, at a lower budget. */
    backfill: `${base}-backfill`,
    /** Lake work (sealing, ingest, checks): no API budget. */
    lake: `${base}-lake`,
  };
}
