import { NativeConnection, Worker, WorkflowBundleOption } from '@temporalio/worker';
import { createActivities } from '../activities';
import { taskQueues } from '../temporal/task-queues';
import { WorkerDependencies } from './dependencies';
import { applyWorkerNodeFlags } from './node-flags';

export interface WorkerOptions {
  connection: NativeConnection;
  deps: WorkerDependencies;
  /** A prebuilt bundle (production: dist/workflow-bundle.js; tests: built once per run). */
  workflowBundle: WorkflowBundleOption;
  /** Base task queue; default TEMPORAL_TASK_QUEUE (tests pass their own, for isolation). */
  taskQueue?: string;
}

/**
 * The worker process's three workers: the daily queue (every workflow, and the daily API
 * activities) and the backfill queue (the backfills' API activities), each with its API budget
 * as a task-queue rate limit that holds across all worker processes, and the lake queue (sealing
 * and other DuckDB/S3 work, no API budget).
 */
export async function createWorkers(opts: WorkerOptions): Promise<Worker[]> {
  const { config } = opts.deps;
  const queues = taskQueues(opts.taskQueue ?? config.temporal.taskQueue);
  const activities = createActivities(opts.deps);
  const common = { connection: opts.connection, namespace: config.temporal.namespace, activities };
  // Before the workflow threads start: their isolates take the worker's V8 flags.
  applyWorkerNodeFlags();
  return Promise.all([
    Worker.create({
      ...common,
      taskQueue: queues.daily,
      workflowBundle: opts.workflowBundle,
      maxTaskQueueActivitiesPerSecond: config.genesys.requestsPerMinute / 60,
    }),
    // Activities only: one workflow sandbox per process (each costs ~20 MB of resident memory).
    Worker.create({
      ...common,
      taskQueue: queues.backfill,
      maxTaskQueueActivitiesPerSecond: config.genesys.backfillRequestsPerMinute / 60,
    }),
    // DuckDB work is memory- and CPU-bound: two at a time per process.
    Worker.create({ ...common, taskQueue: queues.lake, maxConcurrentActivityTaskExecutions: 2 }),
  ]);
}

/** Runs the workers until the process is asked to stop (SIGINT/SIGTERM shut them down). */
export async function runWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.run()));
}
