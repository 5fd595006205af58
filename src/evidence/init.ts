import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { ConfigError } from '../errors';
import {
  BucketConfiguration,
  describeRetention,
  enableVersioning,
  putDefaultRetention,
  replaceLifecycleRules,
} from '../s3/bucket-lifecycle';
import { ensureLakeBucket } from '../s3/lake-bucket';
import { lifecycleRules, RetentionPlan, ruleId, STAGING_RULE_ID } from './retention-plan';

export type { BucketConfiguration };
export { describeRetention };

/** Applies the plan: bucket (created with Object Lock if missing), versioning, default retention, lifecycle. */
export async function applyRetention(s3: S3Client, plan: RetentionPlan): Promise<BucketConfiguration> {
  const state = await ensureLakeBucket(s3, plan.bucket);
  await enableVersioning(s3, plan.bucket);
  // Without LAKE_BUCKET_DEFAULT_RETENTION an existing default (set by someone on purpose) is left alone.
  if (plan.defaultRetention)
    await putDefaultRetention(s3, plan.bucket, { mode: plan.lockMode, days: plan.retentionDays });
  const ours = [ruleId(plan.org, 'archive'), ruleId(plan.org, 'expire'), STAGING_RULE_ID];
  try {
    await replaceLifecycleRules(s3, plan.bucket, ours, lifecycleRules(plan));
  } catch (err) {
    if (
      plan.archive &&
      err instanceof S3ServiceException &&
      /tier|storage ?class/i.test(`${err.name} ${err.message}`)
    ) {
      throw new ConfigError(
        `LAKE_ARCHIVE_STORAGE_CLASS: the S3 endpoint refused a transition to ${plan.archive.storageClass} (${err.name}: ${err.message}). MinIO needs a remote tier of that name; set LAKE_ARCHIVE_AFTER_DAYS=0 to configure the bucket without archiving`,
      );
    }
    throw err;
  }
  return { ...(await describeRetention(s3, plan.bucket)), created: state.created };
}
