import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { createLakeProbeActivities } from './lake-probe';
import { withTypedFailures } from './typed-failures';

export interface ActivityDeps {
  config: Config;
  s3: S3Client;
}

/** All activities, built from their clients so tests can inject real local servers. */
export function createActivities(deps: ActivityDeps) {
  return withTypedFailures({
    ...createLakeProbeActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
