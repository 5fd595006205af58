import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config/config';

/** How every lake object is written: Object Lock mode and retention, server-side encryption. */
export type LockPolicy = Pick<Config['lake'], 'lockMode' | 'retentionDays' | 'sse' | 'kmsKeyId'>;

/**
 * The lake as the code under the activities and the CLI needs it: the client, the bucket and how
 * objects are locked, never the whole configuration. Built by lakeOf only.
 */
export interface Lake {
  s3: S3Client;
  bucket: string;
  lockPolicy: LockPolicy;
}

/** The one place a Lake is made from the configuration (activity factories, the CLI's lakeContext). */
export function lakeOf(config: Pick<Config, 's3' | 'lake'>, s3: S3Client): Lake {
  const { lockMode, retentionDays, sse, kmsKeyId } = config.lake;
  return { s3, bucket: config.s3.bucket, lockPolicy: { lockMode, retentionDays, sse, kmsKeyId } };
}
