import { createCheckActivities } from './checks';
import { createCollectActivities } from './collect';
import { createIngestActivities } from './ingest';
import { createRehydrateActivities } from './rehydrate';
import { createSchemaRecrawlActivities } from './schema-recrawl';
import { createLakeProbeActivities } from './lake-probe';
import { createLakeStatusActivities } from './lake-status';
import { createRestoreActivities } from './restore';
import { createEvidenceActivities } from './evidence';
import { createOcsfActivities } from './ocsf';
import { withTypedFailures } from './typed-failures';
import type { WorkerDependencies } from '../worker/dependencies';

export type ActivityDeps = WorkerDependencies;

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
  });
}

export type Activities = ReturnType<typeof createActivities>;
