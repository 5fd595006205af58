/**
 * Standalone worker process (the container's entry point). Connects to the configured Temporal
 * and S3, checks the lake bucket, and runs until SIGINT/SIGTERM.
 */
import { loadConfig } from '../config/config';
import { createActivities } from '../activities';
import { createS3Client } from '../s3/client';
import { ensureLakeBucket } from '../s3/lake-bucket';
import { connectClient, connectWorker } from '../temporal/connection';
import { ensureSearchAttributes } from '../temporal/ensure-search-attributes';
import { createWorker } from './worker';
import { prebuiltWorkflowBundle } from './workflow-bundle';
import { fatal } from '../client/output';

async function main() {
  const config = loadConfig();
  const s3 = createS3Client(config);
  await ensureLakeBucket(s3, config.s3.bucket);
  const client = await connectClient(config);
  await ensureSearchAttributes(client, config.temporal.namespace).catch((err: Error) =>
    console.warn(`gcaudit worker: could not register search attributes (${err.message}); create GcauditOrg, GcauditDay, GcauditKind (Keyword) on the namespace`),
  );
  await client.close();
  const connection = await connectWorker(config);
  const worker = await createWorker({
    connection,
    config,
    activities: createActivities({ config, s3 }),
    workflowBundle: prebuiltWorkflowBundle(),
  });
  await worker.run();
  await connection.close();
}

main().catch(fatal);
