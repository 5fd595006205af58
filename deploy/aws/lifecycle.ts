import { LifecycleRule } from '@aws-sdk/client-s3';
import { aws_s3 as s3 } from 'aws-cdk-lib';

/**
 * The S3 API's lifecycle rules (what `gcaudit init` sends, src/evidence/retention-plan.ts) as
 * CloudFormation's: one source of the rules for both. A field this mapping does not know is an
 * error, so a rule added to the plan can never be dropped silently from the stack.
 */
export function cfnLifecycleRules(rules: readonly LifecycleRule[]): s3.CfnBucket.RuleProperty[] {
  return rules.map((rule) => {
    const known = new Set([
      'ID',
      'Status',
      'Filter',
      'Transitions',
      'NoncurrentVersionTransitions',
      'Expiration',
      'NoncurrentVersionExpiration',
      'AbortIncompleteMultipartUpload',
    ]);
    const unknown = Object.keys(rule).filter((k) => !known.has(k));
    const filterKeys = Object.keys(rule.Filter ?? {}).filter((k) => k !== 'Prefix');
    if (unknown.length > 0 || filterKeys.length > 0)
      throw new Error(
        `lifecycle rule ${rule.ID}: no CloudFormation mapping for ${[...unknown, ...filterKeys.map((k) => `Filter.${k}`)].join(', ')}`,
      );
    return {
      id: rule.ID,
      status: rule.Status!,
      prefix: rule.Filter?.Prefix,
      transitions: rule.Transitions?.map((t) => ({ storageClass: t.StorageClass!, transitionInDays: t.Days })),
      noncurrentVersionTransitions: rule.NoncurrentVersionTransitions?.map((t) => ({
        storageClass: t.StorageClass!,
        transitionInDays: t.NoncurrentDays!,
      })),
      expirationInDays: rule.Expiration?.Days,
      noncurrentVersionExpiration: rule.NoncurrentVersionExpiration
        ? { noncurrentDays: rule.NoncurrentVersionExpiration.NoncurrentDays! }
        : undefined,
      abortIncompleteMultipartUpload: rule.AbortIncompleteMultipartUpload
        ? { daysAfterInitiation: rule.AbortIncompleteMultipartUpload.DaysAfterInitiation! }
        : undefined,
    };
  });
}
