import { NativeConnection, Worker, WorkflowBundleOption } from '@temporalio/worker';
import { Config } from '../config/config';
import { Activities } from '../activities';

export interface WorkerDeps {
  connection: NativeConnection;
  config: Config;
  activities: Activities;
  /** A prebuilt bundle (production: dist/workflow-bundle.js; tests: built once per run). */
  workflowBundle: WorkflowBundleOption;
  taskQueue?: string;
}

export function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.config.temporal.namespace,
    taskQueue: deps.taskQueue ?? deps.config.temporal.taskQueue,
    workflowBundle: deps.workflowBundle,
    activities: deps.activities,
  });
}
