import { Duration, RemovalPolicy, Validations, aws_iam as iam, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { lifecycleRules, RetentionPlan } from '../../src/evidence/retention-plan';
import { cfnLifecycleRules } from './lifecycle';

/**
 * The lake: a customer-managed KMS key, the Object Lock bucket, the bucket its server access logs
 * go to, and the bucket of Athena's query results. The lake bucket is retained on stack deletion:
 * locked evidence outlives the stack by design.
 */
export class LakeStorage extends Construct {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  readonly athenaResults: s3.Bucket;

  constructor(scope: Construct, id: string, props: { plan: RetentionPlan }) {
    super(scope, id);
    const { plan } = props;
    this.key = new kms.Key(this, 'Key', {
      description: `gcaudit ${plan.org}: lake objects, Firehose, Athena results, secrets and logs`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logging delivers only to buckets encrypted with SSE-S3, not SSE-KMS.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(Math.max(plan.retentionDays, 365)),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogs).acknowledge(
      {
        id: 'AwsSolutions-S1',
        reason: 'This is the server access log bucket itself; logging it into itself would loop.',
      },
      {
        id: 'HIPAA.Security-S3BucketLoggingEnabled',
        reason: 'This is the server access log bucket itself; logging it into itself would loop.',
      },
      {
        id: 'PCI.DSS.321-S3BucketLoggingEnabled',
        reason: 'This is the server access log bucket itself; logging it into itself would loop.',
      },
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason:
          'S3 server access logging delivers only to SSE-S3 encrypted buckets; SSE-KMS is not supported for the target bucket.',
      },
      {
        id: 'PCI.DSS.321-S3DefaultEncryptionKMS',
        reason:
          'S3 server access logging delivers only to SSE-S3 encrypted buckets; SSE-KMS is not supported for the target bucket.',
      },
    );

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      objectLockEnabled: true,
      objectLockDefaultRetention: plan.defaultRetention
        ? plan.lockMode === 'COMPLIANCE'
          ? s3.ObjectLockRetention.compliance(Duration.days(plan.retentionDays))
          : s3.ObjectLockRetention.governance(Duration.days(plan.retentionDays))
        : undefined,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'lake/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The same rules gcaudit init applies (src/evidence/retention-plan.ts), from the same plan.
    (this.bucket.node.defaultChild as s3.CfnBucket).lifecycleConfiguration = {
      rules: cfnLifecycleRules(lifecycleRules(plan)),
    };

    this.athenaResults = new s3.Bucket(this, 'AthenaResults', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'athena-results/',
      // Query results are copies of lake rows, not evidence: kept a month.
      lifecycleRules: [
        {
          id: 'expire-results',
          expiration: Duration.days(30),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const bucket of [this.bucket, this.accessLogs, this.athenaResults]) {
      Validations.of(bucket).acknowledge(
        {
          id: 'HIPAA.Security-S3BucketReplicationEnabled',
          reason:
            'Cross-region replication is a decision of the account owner (second region, its own Object Lock and key); the lake bucket is versioned and locked, so no object can be lost or altered in place.',
        },
        {
          id: 'PCI.DSS.321-S3BucketReplicationEnabled',
          reason:
            'Cross-region replication is a decision of the account owner (second region, its own Object Lock and key); the lake bucket is versioned and locked, so no object can be lost or altered in place.',
        },
      );
    }
  }

  /**
   * Denies object-version deletion and governance bypass on every prefix to every principal, with
   * one exception: the worker may delete the versions of its own `_staging/` chunks. Those are
   * not evidence (masked pages of a collection run before its day is sealed); each carries a
   * one-day GOVERNANCE lock of its own, and the seal deletes every version of them with
   * BypassGovernanceRetention (src/lake/day-sealer.ts). Without the exception they would linger
   * until the _staging/ lifecycle rule removes them. Evidence itself is COMPLIANCE-locked, which
   * no permission can lift.
   */
  denyDeletion(worker: iam.IRole): void {
    const actions = ['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention'];
    const staging = this.bucket.arnForObjects('_staging/*');
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyVersionDeletionAndBypassOutsideStaging',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions,
        notResources: [staging],
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyVersionDeletionAndBypassInStagingExceptWorker',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions,
        resources: [staging],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': worker.roleArn } },
      }),
    );
  }
}
