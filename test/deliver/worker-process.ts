/** A worker in its own process, so a test can kill it (SIGKILL) in the middle of a delivery. */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../src/config/config';
import { temporalAddress } from '../../src/temporal/connection';
import { createWorkerDependencies } from '../../src/worker/dependencies';
import { createWorkers, runWorkers } from '../../src/worker/worker';

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const config = loadConfig();
  const connection = await NativeConnection.connect({ address: temporalAddress(config) });
  const workers = await createWorkers({
    connection,
    deps: createWorkerDependencies(config),
    workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! },
    taskQueue: process.env.TEST_TASK_QUEUE!,
  });
  process.stdout.write('ready\n');
  await runWorkers(workers);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
