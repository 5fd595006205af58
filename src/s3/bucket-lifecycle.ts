import {
  GetBucketLifecycleConfigurationCommand,
  GetObjectLockConfigurationCommand,
  LifecycleRule,
  ObjectLockRetentionMode,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { describeLakeBucket } from './lake-bucket';

export interface BucketConfiguration {
  bucket: string;
  created?: boolean;
  versioning: string;
  objectLock: string;
  defaultRetention: { mode: string; days: number } | null;
  lifecycle: LifecycleRule[];
}

export async function enableVersioning(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
}

/** The bucket's default Object Lock retention, applied to every new object version. */
export async function putDefaultRetention(
  s3: S3Client,
  bucket: string,
  retention: { mode: ObjectLockRetentionMode; days: number },
): Promise<void> {
  await s3.send(
    new PutObjectLockConfigurationCommand({
      Bucket: bucket,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: retention.mode, Days: retention.days } },
      },
    }),
  );
}

/** Replaces the lifecycle rules with these ids by `rules`, keeping every other rule of the bucket (S3 only takes the whole list). */
export async function replaceLifecycleRules(
  s3: S3Client,
  bucket: string,
  ids: readonly string[],
  rules: LifecycleRule[],
): Promise<void> {
  const kept = (await readLifecycle(s3, bucket)).filter((r) => !ids.includes(r.ID ?? ''));
  await s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: bucket,
      LifecycleConfiguration: { Rules: [...kept, ...rules] },
    }),
  );
}

/** Reads the bucket's configuration back, as S3 states it. */
export async function describeRetention(s3: S3Client, bucket: string): Promise<BucketConfiguration> {
  const base = await describeLakeBucket(s3, bucket);
  let defaultRetention: BucketConfiguration['defaultRetention'] = null;
  try {
    const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    const d = lock.ObjectLockConfiguration?.Rule?.DefaultRetention;
    if (d?.Mode) defaultRetention = { mode: d.Mode, days: d.Days ?? Math.round((d.Years ?? 0) * 365) };
  } catch (err) {
    if (!(err instanceof S3ServiceException) || err.name !== 'ObjectLockConfigurationNotFoundError') throw err;
  }
  return {
    bucket,
    versioning: base.versioning,
    objectLock: base.objectLock,
    defaultRetention,
    lifecycle: await readLifecycle(s3, bucket),
  };
}

export async function readLifecycle(s3: S3Client, bucket: string): Promise<LifecycleRule[]> {
  try {
    return (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
  } catch (err) {
    if (err instanceof S3ServiceException && err.name === 'NoSuchLifecycleConfiguration') return [];
    throw err;
  }
}
