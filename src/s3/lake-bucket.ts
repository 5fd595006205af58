import {
  CreateBucketCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { ConfigError } from '../errors';
import { isNotFound } from './not-found';

export interface LakeBucketState {
  created: boolean;
  versioning: string;
  objectLock: string;
}

/**
 * Makes sure the lake bucket exists with Object Lock (which implies versioning). An existing
 * bucket without Object Lock is refused: Object Lock cannot be trusted if added later by hand.
 */
export async function ensureLakeBucket(s3: S3Client, bucket: string): Promise<LakeBucketState> {
  let created = false;
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    created = true;
  }
  const state = await describeLakeBucket(s3, bucket);
  if (state.objectLock !== 'Enabled') {
    throw new ConfigError(
      `S3_BUCKET: bucket ${bucket} exists without Object Lock; the lake needs a bucket created with Object Lock enabled`,
    );
  }
  return { ...state, created };
}

export async function describeLakeBucket(s3: S3Client, bucket: string): Promise<Omit<LakeBucketState, 'created'>> {
  const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
  let objectLock = 'Disabled';
  try {
    const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    objectLock = lock.ObjectLockConfiguration?.ObjectLockEnabled ?? 'Disabled';
  } catch (err) {
    if (!(err instanceof S3ServiceException) || err.name !== 'ObjectLockConfigurationNotFoundError') throw err;
  }
  return { versioning: versioning.Status ?? 'Disabled', objectLock };
}
