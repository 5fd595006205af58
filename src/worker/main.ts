/**
 * Standalone worker process (the container's entry point). Connects to the configured Temporal
 * and S3, checks the lake bucket, and runs until SIGINT/SIGTERM.
 */
import { loadConfig } from '../config/config';
import { createActivities } from '../activities';
import { createS3Client } from '../s3/client';
import { ensureLakeBucket } from '../s3/lake-bucket';
import { connectWorker } from '../temporal/connection';
import { createWorker } from './worker';
import { prebuiltWorkflowBundle } from './workflow-bundle';
import { fatal } from '../client/output';

async function main() {
  const config = loadConfig();
  const s3 = createS3Client(config);
  await ensureLakeBucket(s3, config.s3.bucket);
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
