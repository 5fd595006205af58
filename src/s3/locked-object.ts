import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { ImmutabilityError } from '../errors';
import type { Lake } from './lake';

export interface LockedPut {
  key: string;
  body: Uint8Array;
  contentType?: string;
  /** Retention start; the lock ends retentionDays later. */
  now?: Date;
}

export interface LockedPutResult {
  key: string;
  versionId?: string;
  sha256: string;
  bytes: number;
  retainUntil: string;
  /** True when the same bytes were already there (a repeated write: nothing changed). */
  existed: boolean;
}

export const sha256Hex = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');

/**
 * Writes one lake object, create-only: Object Lock retention, server-side encryption, and a
 * SHA-256 that S3 verifies on receipt. Nothing is ever overwritten: when the key exists, the
 * same bytes make the write a no-op, and different bytes are an ImmutabilityError.
 */
export async function putLockedObject(lake: Lake, put: LockedPut): Promise<LockedPutResult> {
  const { s3, bucket, lockPolicy } = lake;
  const digest = createHash('sha256').update(put.body).digest();
  const sha256 = digest.toString('hex');
  const retainUntil = new Date((put.now ?? new Date()).getTime() + lockPolicy.retentionDays * 86_400_000);
  try {
    const res = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: put.key,
        Body: put.body,
        IfNoneMatch: '*',
        ContentType: put.contentType ?? 'application/octet-stream',
        ChecksumSHA256: digest.toString('base64'),
        Metadata: { sha256 },
        ObjectLockMode: lockPolicy.lockMode,
        ObjectLockRetainUntilDate: retainUntil,
        ServerSideEncryption: lockPolicy.sse,
        SSEKMSKeyId: lockPolicy.sse === 'aws:kms' ? lockPolicy.kmsKeyId : undefined,
      }),
    );
    return {
      key: put.key,
      versionId: res.VersionId,
      sha256,
      bytes: put.body.length,
      retainUntil: retainUntil.toISOString(),
      existed: false,
    };
  } catch (err) {
    if (!(err instanceof S3ServiceException) || err.$metadata.httpStatusCode !== 412) throw err;
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: put.key }));
    if (head.Metadata?.sha256 !== sha256) {
      throw new ImmutabilityError(
        `lake object ${put.key} already exists with different content (sha256 ${head.Metadata?.sha256 ?? 'unknown'}, new ${sha256}); it is never overwritten`,
      );
    }
    return {
      key: put.key,
      versionId: head.VersionId,
      sha256,
      bytes: put.body.length,
      retainUntil: head.ObjectLockRetainUntilDate?.toISOString() ?? retainUntil.toISOString(),
      existed: true,
    };
  }
}
