import type { ActivityDeps } from '../activities';
import { Config } from '../config/config';
import { ConfigError } from '../errors';
import { createAuditClient } from '../genesys/audit-client';
import { createSigner } from '../lake/signing';
import { createS3Client } from '../s3/client';
import { transformContext } from '../transform/pipeline';

export type WorkerDependencies = ActivityDeps;

/**
 * The clients the activities need, built once per process and checked before any work is taken:
 * a worker that cannot mask or sign must not start.
 */
export function createWorkerDependencies(config: Config): WorkerDependencies {
  if (!config.manifest.signingKey) throw new ConfigError('MANIFEST_SIGNING_KEY: required to sign day manifests');
  return {
    config,
    s3: createS3Client(config),
    // One budget per process at the org's limit; the split between the daily job and backfills
    // is Temporal's task-queue rate limit, which holds across every worker process.
    genesys: createAuditClient(config, { requestsPerMinute: config.genesys.orgRequestsPerMinute }),
    transform: transformContext(config.mask, config.genesys.region),
    signer: createSigner(config.manifest.signingKey),
  };
}
