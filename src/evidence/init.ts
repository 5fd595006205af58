import {
  GetBucketLifecycleConfigurationCommand,
  GetObjectLockConfigurationCommand,
  LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { ConfigError } from '../errors';
import { describeLakeBucket, ensureLakeBucket } from '../s3/lake-bucket';
import { lifecycleRules, RetentionPlan, ruleId, STAGING_RULE_ID } from './retention-plan';

export interface BucketConfiguration {
  bucket: string;
  created?: boolean;
  versioning: string;
  objectLock: string;
  defaultRetention: { mode: string; days: number } | null;
  lifecycle: LifecycleRule[];
}

/** Applies the plan: bucket (created with Object Lock if missing), versioning, default retention, lifecycle. */
export async function applyRetention(s3: S3Client, plan: RetentionPlan): Promise<BucketConfiguration> {
  const state = await ensureLakeBucket(s3, plan.bucket);
  await s3.send(new PutBucketVersioningCommand({ Bucket: plan.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  // Without LAKE_BUCKET_DEFAULT_RETENTION an existing default (set by someone on purpose) is left alone.
  if (plan.defaultRetention) {
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: plan.bucket,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: plan.lockMode, Days: plan.retentionDays } } },
      }),
    );
  }
  const ours = new Set([ruleId(plan.org, 'archive'), ruleId(plan.org, 'expire'), STAGING_RULE_ID]);
  const kept = (await readLifecycle(s3, plan.bucket)).filter((r) => !ours.has(r.ID ?? ''));
  try {
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: plan.bucket, LifecycleConfiguration: { Rules: [...kept, ...lifecycleRules(plan)] } }));
  } catch (err) {
    if (plan.archive && err instanceof S3ServiceException && /tier|storage ?class/i.test(`${err.name} ${err.message}`)) {
      throw new ConfigError(
        `LAKE_ARCHIVE_STORAGE_CLASS: the S3 endpoint refused a transition to ${plan.archive.storageClass} (${err.name}: ${err.message}). MinIO needs a remote tier of that name; set LAKE_ARCHIVE_AFTER_DAYS=0 to configure the bucket without archiving`,
      );
    }
    throw err;
  }
  return { ...(await describeRetention(s3, plan.bucket)), created: state.created };
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
  return { bucket, versioning: base.versioning, objectLock: base.objectLock, defaultRetention, lifecycle: await readLifecycle(s3, bucket) };
}

async function readLifecycle(s3: S3Client, bucket: string): Promise<LifecycleRule[]> {
  try {
    return (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
  } catch (err) {
    if (err instanceof S3ServiceException && err.name === 'NoSuchLifecycleConfiguration') return [];
    throw err;
  }
}
