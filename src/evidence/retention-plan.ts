import { LifecycleRule } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { ConfigError } from '../errors';

/**
 * The lake bucket's retention and lifecycle, from the configuration: the one source of the rules
 * that `gcaudit init` applies to a bucket and that the AWS CDK app (deploy/aws) declares.
 */
/** What gcaudit init makes of the configuration: the bucket's retention and lifecycle. */
export interface RetentionPlan {
  bucket: string;
  org: string;
  lockMode: 'COMPLIANCE' | 'GOVERNANCE';
  retentionDays: number;
  defaultRetention: boolean;
  archive: { afterDays: number; storageClass: string } | null;
  expireAfterDays: number;
  stagingExpireDays: number;
  warnings: string[];
}

/** Minimum storage durations: deleting or expiring earlier is billed as if stored that long. */
const MIN_DAYS: Record<string, number> = { STANDARD_IA: 30, GLACIER_IR: 90, GLACIER: 90, DEEP_ARCHIVE: 180 };
export const STAGING_EXPIRE_DAYS = 7;
/** Rule ids gcaudit owns; other rules in the bucket are kept as they are. */
export const ruleId = (org: string, what: 'archive' | 'expire') => `gcaudit-${org}-${what}`;
export const STAGING_RULE_ID = 'gcaudit-staging';

/**
 * Checks the retention settings against each other before anything is applied. Expiry before
 * the Object Lock ends is refused: S3 would put delete markers over locked evidence, and the
 * lake would then look incomplete to every reader (and to gcaudit verify).
 */
export function planRetention(config: Config): RetentionPlan {
  const l = config.lake;
  const problems: string[] = [];
  const warnings: string[] = [];
  if (l.expireAfterDays < l.retentionDays) {
    problems.push(
      `LAKE_EXPIRE_AFTER_DAYS (${l.expireAfterDays}) is before the Object Lock retention ends (LAKE_RETENTION_DAYS ${l.retentionDays}): expiring locked evidence is refused; set LAKE_EXPIRE_AFTER_DAYS to at least ${l.retentionDays}`,
    );
  }
  const archive =
    l.archiveAfterDays > 0 ? { afterDays: l.archiveAfterDays, storageClass: l.archiveStorageClass } : null;
  if (archive) {
    if (archive.afterDays >= l.expireAfterDays)
      problems.push(
        `LAKE_ARCHIVE_AFTER_DAYS (${archive.afterDays}) must be before LAKE_EXPIRE_AFTER_DAYS (${l.expireAfterDays}), or 0 for no archive`,
      );
    if (archive.storageClass === 'STANDARD_IA' && archive.afterDays < 30)
      problems.push('LAKE_ARCHIVE_AFTER_DAYS: S3 moves objects to STANDARD_IA after 30 days at the earliest');
    const min = MIN_DAYS[archive.storageClass] ?? 0;
    if (l.expireAfterDays - archive.afterDays < min) {
      warnings.push(
        `${archive.storageClass} bills at least ${min} days; objects expire ${l.expireAfterDays - archive.afterDays} days after the transition`,
      );
    }
    if (archive.storageClass === 'GLACIER' || archive.storageClass === 'DEEP_ARCHIVE') {
      warnings.push(
        `event parts in ${archive.storageClass} must be restored before checks, queries or a full verify read them (gcaudit restore)`,
      );
    }
  }
  if (!l.bucketDefaultRetention) {
    warnings.push(
      'no bucket default retention: every lake object carries its own, but an object written by hand would not be locked (LAKE_BUCKET_DEFAULT_RETENTION=true)',
    );
  }
  if (problems.length > 0)
    throw new ConfigError(`gcaudit init refuses this retention configuration:\n  - ${problems.join('\n  - ')}`);
  return {
    bucket: config.s3.bucket,
    org: config.org,
    lockMode: l.lockMode,
    retentionDays: l.retentionDays,
    defaultRetention: l.bucketDefaultRetention,
    archive,
    expireAfterDays: l.expireAfterDays,
    stagingExpireDays: STAGING_EXPIRE_DAYS,
    warnings,
  };
}

/** gcaudit's lifecycle rules for one org, plus the shared _staging/ cleanup. */
export function lifecycleRules(plan: RetentionPlan): LifecycleRule[] {
  const rules: LifecycleRule[] = [];
  if (plan.archive) {
    rules.push({
      ID: ruleId(plan.org, 'archive'),
      Status: 'Enabled',
      // Only event parts: manifests stay readable, so verify can always walk the chain.
      Filter: { Prefix: `${plan.org}/audit_events/` },
      Transitions: [{ Days: plan.archive.afterDays, StorageClass: plan.archive.storageClass as never }],
      NoncurrentVersionTransitions: [
        { NoncurrentDays: plan.archive.afterDays, StorageClass: plan.archive.storageClass as never },
      ],
    });
  }
  rules.push({
    ID: ruleId(plan.org, 'expire'),
    Status: 'Enabled',
    Filter: { Prefix: `${plan.org}/` },
    Expiration: { Days: plan.expireAfterDays },
    // A version made noncurrent early (a delete marker, a newer version) is still held by its
    // lock; lifecycle removes it only after the lock ends.
    NoncurrentVersionExpiration: { NoncurrentDays: 30 },
  });
  rules.push({
    ID: STAGING_RULE_ID,
    Status: 'Enabled',
    Filter: { Prefix: '_staging/' },
    Expiration: { Days: plan.stagingExpireDays },
    NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
  });
  return rules;
}
