/** Real workers for a test: its own task queues on the harness's Temporal, real clients inside. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Config } from '../../src/config/config';
import { temporalAddress } from '../../src/temporal/connection';
import { taskQueues } from '../../src/temporal/task-queues';
import { createWorkerDependencies, WorkerDependencies } from '../../src/worker/dependencies';
import { createWorkers, runWorkers } from '../../src/worker/worker';
import { uniqueName, workflowBundle } from './env';

export interface TestWorkers {
  client: Client;
  deps: WorkerDependencies;
  queues: ReturnType<typeof taskQueues>;
  workers: Worker[];
  stop(): Promise<void>;
}

/** Workers on their own task queues: `base` (default a fresh name) as TEMPORAL_TASK_QUEUE. */
export async function startTestWorkers(
  config: Config,
  overrides: Partial<WorkerDependencies> = {},
  base = uniqueName('tq'),
): Promise<TestWorkers> {
  const deps = { ...createWorkerDependencies(config), ...overrides };
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress(config) });
  const workers = await createWorkers({
    connection: nativeConnection,
    deps,
    workflowBundle: workflowBundle(),
    taskQueue: base,
  });
  const running = runWorkers(workers);
  const connection = await Connection.connect({ address: temporalAddress(config) });
  return {
    client: new Client({ connection, namespace: config.temporal.namespace }),
    deps,
    queues: taskQueues(base),
    workers,
    async stop() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      deps.s3.destroy();
    },
  };
}
