import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { putLockedObject } from '../s3/locked-object';
import { lakeOf } from '../s3/lake';

export interface LakeProbeResult {
  key: string;
  versionId?: string;
  sha256: string;
  retainUntil: string;
  lockMode: string;
}

/**
 * Writes a small locked object and reads it back: proves that the worker can write evidence
 * to the lake with Object Lock and encryption, end to end through Temporal.
 */
export function createLakeProbeActivities(deps: { s3: S3Client; config: Config }) {
  const lake = lakeOf(deps.config, deps.s3);
  return {
    async writeLakeProbe(probeId: string): Promise<LakeProbeResult> {
      const key = `_system/probes/${probeId}.json`;
      const body = Buffer.from(JSON.stringify({ probeId, writtenAt: new Date().toISOString() }));
      const put = await putLockedObject(lake, { key, body, contentType: 'application/json' });
      const back = await lake.s3.send(
        new GetObjectCommand({ Bucket: lake.bucket, Key: key, VersionId: put.versionId }),
      );
      return { ...put, lockMode: back.ObjectLockMode ?? 'NONE' };
    },
  };
}
