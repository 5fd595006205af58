import {
  CfnOutput,
  Stack,
  StackProps,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cwActions,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_logs as logs,
  aws_sns as sns,
  aws_sns_subscriptions as subs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { loadChecks } from '../../src/checks/check-file';
import { Config, loadConfig } from '../../src/config/config';
import { planRetention } from '../../src/evidence/retention-plan';
import { acknowledgeFindings } from './acknowledgements';
import { Catalogue } from './catalogue';
import { LakeStorage } from './lake-bucket';
import { DeployParameters } from './params';
import { WorkerSecrets } from './secrets';
import { AuditStream } from './stream';
import { WorkerService } from './worker-service';

export interface GcauditStackProps extends StackProps {
  params: DeployParameters;
}

/** Logs kept a year: PCI DSS asks for twelve months of audit trail history. */
const LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

/**
 * The whole pipeline in one stack: lake storage, the EventBridge -> Firehose stream into raw/,
 * the Glue/Athena catalogue, the secrets, and the worker on Fargate with its alarms.
 */
export class GcauditStack extends Stack {
  readonly lake: LakeStorage;
  readonly stream: AuditStream;
  readonly catalogue: Catalogue;
  readonly secrets: WorkerSecrets;
  readonly worker: WorkerService;
  readonly vpc: ec2.Vpc;
  /** The worker's settings, as it will load them (secrets by reference). */
  readonly workerEnvironment: Record<string, string>;

  constructor(scope: Construct, id: string, props: GcauditStackProps) {
    super(scope, id, props);
    // Access logs are delivered under a bucket policy, not ACLs (the log bucket enforces bucket-owner ownership).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const { params } = props;
    // The worker's own settings, validated by the worker's own loader: the stack derives
    // everything (retention plan, lifecycle, table locations, named queries) from this config.
    const settings: Record<string, string> = {
      GCAUDIT_ORG: params.org,
      GCAUDIT_DATA_DIR: '/tmp/gcaudit',
      GENESYS_REGION: params.genesysRegion,
      GENESYS_CLIENT_ID: params.genesysClientId,
      S3_USE_AWS: 'true',
      LAKE_LOCK_MODE: params.lockMode,
      LAKE_RETENTION_DAYS: String(params.retentionDays),
      LAKE_SSE: 'aws:kms',
      QUERY_ENGINE: 'athena',
      ATHENA_WORKGROUP: `gcaudit-${params.org}`,
      ATHENA_DATABASE: `gcaudit_${params.org.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`,
      TEMPORAL_ADDRESS: params.temporal.address,
      TEMPORAL_NAMESPACE: params.temporal.namespace,
      TEMPORAL_TLS: String(params.temporal.kind === 'cloud' || params.temporal.tls),
    };
    // The key id and the client secret are known only in AWS (a token, a secret read by ARN):
    // stand-ins here, for validation only; neither goes anywhere.
    const config: Config = loadConfig({ ...settings, LAKE_KMS_KEY_ID: 'stand-in', GENESYS_CLIENT_SECRET: 'stand-in' });
    const plan = planRetention(config);

    this.lake = new LakeStorage(this, 'Lake', { plan });
    const vpc = (this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: 'worker', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
      // S3 without the NAT: the lake's traffic stays on AWS's network and costs no NAT processing.
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'VpcFlowLogs', { retention: LOG_RETENTION, encryptionKey: this.lake.key }),
          ),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
    }));
    this.stream = new AuditStream(this, 'Stream', {
      lake: this.lake,
      partnerEventSource: params.partnerEventSource,
      rawPrefix: config.ingest.rawPrefix,
      logRetention: LOG_RETENTION,
    });
    this.catalogue = new Catalogue(this, 'Catalogue', {
      lake: this.lake,
      config,
      checks: loadChecks(),
      bytesScannedCutoff: params.athenaBytesScannedCutoff,
    });
    this.secrets = new WorkerSecrets(this, 'Secrets', { lake: this.lake, params, vpc, logRetention: LOG_RETENTION });

    this.workerEnvironment = {
      ...settings,
      S3_BUCKET: this.lake.bucket.bucketName,
      S3_REGION: this.region,
      LAKE_KMS_KEY_ID: this.lake.key.keyArn,
      ATHENA_REGION: this.region,
    };
    this.worker = new WorkerService(this, 'Worker', {
      lake: this.lake,
      catalogue: this.catalogue,
      secrets: this.secrets.all,
      vpc,
      environment: this.workerEnvironment,
      org: config.org,
      rawPrefix: config.ingest.rawPrefix,
      database: config.query.athena.database,
      desiredCount: params.startWorker ? 1 : 0,
      image: params.workerImage,
      logRetention: LOG_RETENTION,
    });
    this.lake.denyDeletion(this.worker.taskRole);
    // CloudWatch Logs encrypts this account's log groups with the lake key; alarms publish to the encrypted topic.
    this.lake.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*`,
          },
        },
      }),
    );
    this.lake.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    const topic = new sns.Topic(this, 'Alarms', {
      masterKey: this.lake.key,
      enforceSSL: true,
      displayName: `gcaudit ${params.org} alarms`,
    });
    if (params.alarmEmail) topic.addSubscription(new subs.EmailSubscription(params.alarmEmail));
    const alarms = [
      new cloudwatch.Alarm(this, 'WorkerNotRunning', {
        alarmDescription: 'The gcaudit worker has no running task: collection, ingest and sealing have stopped.',
        metric: this.worker.missingTasksMetric(),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'FirehoseDeliveryFailing', {
        alarmDescription:
          'Firehose cannot deliver the audit stream to the lake (records retry, then land under firehose-errors/).',
        metric: this.stream.deliveryFailureMetric(),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const alarm of alarms) alarm.addAlarmAction(new cwActions.SnsAction(topic));

    acknowledgeFindings(this);

    new CfnOutput(this, 'LakeBucket', {
      value: this.lake.bucket.bucketName,
      description: 'S3_BUCKET of the lake (Object Lock; kept when the stack is deleted)',
    });
    new CfnOutput(this, 'AthenaWorkgroup', { value: this.catalogue.workgroup.ref });
    new CfnOutput(this, 'AthenaDatabase', { value: config.query.athena.database });
    for (const s of this.secrets.all)
      new CfnOutput(this, `Secret${s.setting.replace(/_/g, '')}`, {
        value: s.secret.secretArn,
        description: `${s.setting}_SECRET_ARN`,
      });
  }
}
