import { createAccessActivities } from './access';
import { createCheckActivities } from './checks';
import { createCollectActivities } from './collect';
import { createIngestActivities } from './ingest';
import { createRehydrateActivities } from './rehydrate';
import { createSchemaRecrawlActivities } from './schema-recrawl';
import { createLakeProbeActivities } from './lake-probe';
import { createLakeStatusActivities } from './lake-status';
import { createRestoreActivities } from './restore';
import { createEvidenceActivities } from './evidence';
import { createDeliverActivities } from './deliver';
import { createOcsfActivities } from './ocsf';
import { withTypedFailures } from './typed-failures';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config/config';
import type { AuditClient } from '../genesys/audit-client';
import type { ManifestSigner } from '../lake/signing';
import type { TransformContext } from '../transform/pipeline';

/** The clients activities are built from (the worker builds them once per process; tests pass real local servers). */
export interface ActivityDeps {
  config: Config;
  s3: S3Client;
  genesys: AuditClient;
  transform: TransformContext;
  signer: ManifestSigner;
}

/** All activities, built from their clients so tests can inject real local servers. */
export function createActivities(deps: ActivityDeps) {
  return withTypedFailures({
    ...createLakeProbeActivities(deps),
    ...createCollectActivities(deps),
    ...createLakeStatusActivities(deps),
    ...createCheckActivities(deps),
    ...createSchemaRecrawlActivities(deps),
    ...createRestoreActivities(deps),
    ...createEvidenceActivities(deps),
    ...createOcsfActivities(deps),
    ...createIngestActivities(deps),
    ...createRehydrateActivities(deps),
    ...createDeliverActivities(deps),
    ...createAccessActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
