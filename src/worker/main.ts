/**
 * Standalone worker process (the container's entry point). Connects to the configured Temporal
 * and S3, checks the lake bucket, and runs until SIGINT/SIGTERM.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../config/config';
import { GcauditError } from '../errors';
import { fetchSecretArns } from '../config/secret-arns';
import { reportPrivileges } from '../genesys/privilege-check';
import { ensureLakeBucket } from '../s3/lake-bucket';
import { connectClient, connectWorker } from '../temporal/connection';
import { ensureSearchAttributes } from '../temporal/ensure-search-attributes';
import { createWorkerDependencies } from './dependencies';
import { createWorkers, runWorkers } from './worker';
import { prebuiltWorkflowBundle } from './workflow-bundle';

async function main() {
  await fetchSecretArns();
  const loaded = loadConfig();
  Runtime.install({ logger: new DefaultLogger(loaded.logLevel.toUpperCase() as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR') });
  const deps = createWorkerDependencies(loaded);
  const { config } = deps;
  const workflowBundle = prebuiltWorkflowBundle();
  await ensureLakeBucket(deps.s3, config.s3.bucket);
  // Least privilege, checked where Genesys lets a client ask about itself; never blocks the start.
  await reportPrivileges(config, (line) => (line.startsWith('WARNING') ? console.warn(line) : console.log(line)));
  const client = await connectClient(config);
  await ensureSearchAttributes(client, config.temporal.namespace).catch((err: Error) =>
    console.warn(
      `gcaudit worker: could not register search attributes (${err.message}); create GcauditOrg, GcauditDay, GcauditKind (Keyword) on the namespace`,
    ),
  );
  await client.close();
  const connection = await connectWorker(config);
  await runWorkers(await createWorkers({ connection, deps, workflowBundle }));
  await connection.close();
}

// A service's exit, not the CLI's: the expected errors (bad config ...) without a stack, 2 for config.
main().catch((err: unknown) => {
  const expected = err instanceof GcauditError;
  console.error(
    `gcaudit worker: ${expected ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  process.exit(expected && err.type === 'ConfigError' ? 2 : 1);
});
