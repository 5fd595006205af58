import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { ConfigError } from '../errors';
import { AuditClient, createAuditClient } from '../genesys/audit-client';
import { createSigner, ManifestSigner } from '../lake/signing';
import { createS3Client } from '../s3/client';
import { TransformContext, transformContext } from '../transform/pipeline';

export interface WorkerDependencies {
  config: Config;
  s3: S3Client;
  genesys: AuditClient;
  transform: TransformContext;
  signer: ManifestSigner;
}

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
