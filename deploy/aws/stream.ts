import {
  Aws,
  Duration,
  RemovalPolicy,
  aws_cloudwatch as cloudwatch,
  aws_events as events,
  aws_iam as iam,
  aws_kinesisfirehose as firehose,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AUDIT_DETAIL_TYPE } from '../../src/ingest/envelope';
import { LakeStorage } from './lake-bucket';

/** Where Firehose writes what it could not deliver: outside RAW_PREFIX, so ingest never reads it. */
export const FIREHOSE_ERROR_PREFIX = 'firehose-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/';

/**
 * The stream: the Genesys partner event bus, a rule for the audit topic, and a Firehose delivery
 * stream into RAW_PREFIX as `gcaudit ingest` reads it: gzip NDJSON (one EventBridge envelope a
 * line) under raw/YYYY/MM/DD/HH/, Firehose's own layout when the prefix has no expressions.
 */
export class AuditStream extends Construct {
  readonly deliveryStream: firehose.CfnDeliveryStream;
  readonly rule: events.CfnRule;
  readonly logGroup: logs.LogGroup;
  readonly firehoseRole: iam.Role;

  constructor(
    scope: Construct,
    id: string,
    props: { lake: LakeStorage; partnerEventSource: string; rawPrefix: string; logRetention: logs.RetentionDays },
  ) {
    const { lake } = props;
    super(scope, id);
    // Associating the partner event source is creating a bus of the same name from it.
    const bus = new events.CfnEventBus(this, 'PartnerBus', {
      name: props.partnerEventSource,
      eventSourceName: props.partnerEventSource,
    });

    this.logGroup = new logs.LogGroup(this, 'FirehoseLogs', {
      retention: props.logRetention,
      encryptionKey: lake.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logStream = new logs.LogStream(this, 'FirehoseS3Delivery', {
      logGroup: this.logGroup,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const role = new iam.Role(this, 'FirehoseRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    const policy = new iam.ManagedPolicy(this, 'FirehosePolicy', {
      statements: [
        // Write-only into raw/ and the error prefix: Firehose never reads or deletes lake objects.
        new iam.PolicyStatement({
          actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
          resources: [lake.bucket.arnForObjects(`${props.rawPrefix}*`), lake.bucket.arnForObjects('firehose-errors/*')],
        }),
        new iam.PolicyStatement({
          actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
          resources: [lake.bucket.bucketArn],
        }),
        // S3 SSE-KMS of the objects it writes, and the stream's own server-side encryption.
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [lake.key.keyArn] }),
        new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
      ],
    });
    policy.attachToRole(role);

    this.deliveryStream = new firehose.CfnDeliveryStream(this, 'DeliveryStream', {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'CUSTOMER_MANAGED_CMK', keyArn: lake.key.keyArn },
      extendedS3DestinationConfiguration: {
        bucketArn: lake.bucket.bucketArn,
        roleArn: role.roleArn,
        prefix: props.rawPrefix,
        errorOutputPrefix: FIREHOSE_ERROR_PREFIX,
        compressionFormat: 'GZIP',
        // Five minutes or 64 MiB, whichever first: the freshness the ingest poll is designed for.
        bufferingHints: { intervalInSeconds: 300, sizeInMBs: 64 },
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: lake.key.keyArn } },
        // EventBridge hands Firehose one JSON envelope per record with no separator; ingest reads lines.
        processingConfiguration: { enabled: true, processors: [{ type: 'AppendDelimiterToRecord', parameters: [] }] },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: this.logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
      },
    });
    this.deliveryStream.node.addDependency(policy);
    this.firehoseRole = role;

    const eventsRole = new iam.Role(this, 'EventsToFirehoseRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    new iam.ManagedPolicy(this, 'EventsToFirehosePolicy', {
      roles: [eventsRole],
      statements: [
        new iam.PolicyStatement({
          actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
          resources: [this.deliveryStream.attrArn],
        }),
      ],
    });
    this.rule = new events.CfnRule(this, 'AuditTopicRule', {
      description: "Genesys Cloud audit events (the audit topic) to the lake's raw/ prefix",
      eventBusName: bus.attrName,
      eventPattern: { source: [props.partnerEventSource], 'detail-type': [AUDIT_DETAIL_TYPE] },
      state: 'ENABLED',
      targets: [{ id: 'Firehose', arn: this.deliveryStream.attrArn, roleArn: eventsRole.roleArn }],
    });
  }

  /** Firehose delivery failures into S3 (DeliveryToS3.Success below 1 means records waiting or dropped). */
  deliveryFailureMetric(): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Firehose',
      metricName: 'DeliveryToS3.Success',
      dimensionsMap: { DeliveryStreamName: this.deliveryStream.ref },
      statistic: 'Minimum',
      period: Duration.minutes(5),
    });
  }
}
