import { createHash } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';

export interface LockedPut {
  bucket: string;
  key: string;
  body: Uint8Array;
  contentType?: string;
  lake: Config['lake'];
  /** Retention start; the lock ends retentionDays later. */
  now?: Date;
}

export interface LockedPutResult {
  key: string;
  versionId?: string;
  sha256: string;
  retainUntil: string;
}

/**
 * Writes one object with Object Lock retention, server-side encryption and a SHA-256 checksum
 * that S3 verifies on receipt. Every lake object goes through here.
 */
export async function putLockedObject(s3: S3Client, put: LockedPut): Promise<LockedPutResult> {
  const digest = createHash('sha256').update(put.body).digest();
  const retainUntil = new Date((put.now ?? new Date()).getTime() + put.lake.retentionDays * 86_400_000);
  const res = await s3.send(
    new PutObjectCommand({
      Bucket: put.bucket,
      Key: put.key,
      Body: put.body,
      ContentType: put.contentType ?? 'application/octet-stream',
      ChecksumSHA256: digest.toString('base64'),
      ObjectLockMode: put.lake.lockMode,
      ObjectLockRetainUntilDate: retainUntil,
      ServerSideEncryption: put.lake.sse,
      SSEKMSKeyId: put.lake.sse === 'aws:kms' ? put.lake.kmsKeyId : undefined,
    }),
  );
  return { key: put.key, versionId: res.VersionId, sha256: digest.toString('hex'), retainUntil: retainUntil.toISOString() };
}
