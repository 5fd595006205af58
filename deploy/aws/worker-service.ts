import * as path from 'node:path';
import {
  Duration,
  RemovalPolicy,
  Stack,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_ecr_assets as ecrAssets,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Catalogue } from './catalogue';
import { LakeStorage } from './lake-bucket';
import { WorkerSecret } from './secrets';

export const PROJECT_DIR = path.resolve(__dirname, '..', '..');
/** Lake views the schema recrawl replaces (CREATE OR REPLACE VIEW): the worker's only Glue writes besides ALTER TABLE. */
export const VIEW_NAME = 'audit_events_all';

/**
 * The worker's task role, statement by statement: what the activities call, nothing else. Kept as
 * data so the test can hold the synthesized policy to exactly this.
 */
export function workerPolicyStatements(opts: {
  lake: LakeStorage;
  catalogue: Catalogue;
  org: string;
  rawPrefix: string;
  database: string;
  secrets: WorkerSecret[];
}): iam.PolicyStatement[] {
  const { lake } = opts;
  const stack = Stack.of(lake);
  const glue = (resource: string) => `arn:${stack.partition}:glue:${stack.region}:${stack.account}:${resource}`;
  const tableArn = (name: string) => glue(`table/${opts.database}/${name}`);
  return [
    // Lake objects of this org, the run's staging chunks, the lake probe: write (with Object Lock
    // retention on each PUT), read by version, read the lock back, restore archived parts.
    new iam.PolicyStatement({
      sid: 'LakeObjects',
      actions: [
        's3:PutObject',
        's3:PutObjectRetention',
        's3:GetObject',
        's3:GetObjectVersion',
        's3:GetObjectRetention',
        's3:RestoreObject',
      ],
      resources: [
        lake.bucket.arnForObjects(`${opts.org}/*`),
        lake.bucket.arnForObjects(`_staging/${opts.org}/*`),
        lake.bucket.arnForObjects('_system/*'),
      ],
    }),
    // What Firehose delivers: read only.
    new iam.PolicyStatement({
      sid: 'RawStream',
      actions: ['s3:GetObject'],
      resources: [lake.bucket.arnForObjects(`${opts.rawPrefix}*`)],
    }),
    // The seal deletes every version of its _staging/ chunks (one-day GOVERNANCE lock of their own);
    // the bucket policy allows this to this role and nowhere else.
    new iam.PolicyStatement({
      sid: 'StagingCleanup',
      actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention'],
      resources: [lake.bucket.arnForObjects(`_staging/${opts.org}/*`)],
    }),
    new iam.PolicyStatement({
      sid: 'LakeBucket',
      actions: [
        's3:ListBucket',
        's3:ListBucketVersions',
        's3:GetBucketVersioning',
        's3:GetBucketObjectLockConfiguration',
        's3:GetBucketLocation',
      ],
      resources: [lake.bucket.bucketArn],
    }),
    new iam.PolicyStatement({
      sid: 'LakeKey',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [lake.key.keyArn],
    }),
    // Athena runs queries with the caller's permissions, also on its result location.
    new iam.PolicyStatement({
      sid: 'AthenaResults',
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      resources: [lake.athenaResults.arnForObjects('results/*')],
    }),
    new iam.PolicyStatement({
      sid: 'AthenaResultsBucket',
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resources: [lake.athenaResults.bucketArn],
    }),
    new iam.PolicyStatement({
      sid: 'AthenaWorkgroup',
      actions: [
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StopQueryExecution',
        'athena:GetWorkGroup',
      ],
      resources: [
        stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: opts.catalogue.workgroup.ref }),
      ],
    }),
    new iam.PolicyStatement({
      sid: 'GlueRead',
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
      resources: [glue('catalog'), glue(`database/${opts.database}`), tableArn('*')],
    }),
    // The nightly schema recrawl: ALTER TABLE ... ADD COLUMNS on the event tables, and
    // CREATE OR REPLACE VIEW of the view that reads the new columns.
    new iam.PolicyStatement({
      sid: 'GlueRecrawl',
      actions: ['glue:UpdateTable'],
      resources: [tableArn('audit_events'), tableArn('audit_events_live'), tableArn(VIEW_NAME)],
    }),
    new iam.PolicyStatement({ sid: 'GlueView', actions: ['glue:CreateTable'], resources: [tableArn(VIEW_NAME)] }),
    new iam.PolicyStatement({
      sid: 'Secrets',
      actions: ['secretsmanager:GetSecretValue'],
      resources: opts.secrets.map((s) => s.secret.secretArn),
    }),
  ];
}

export interface WorkerServiceProps {
  lake: LakeStorage;
  catalogue: Catalogue;
  secrets: WorkerSecret[];
  vpc: ec2.IVpc;
  environment: Record<string, string>;
  org: string;
  rawPrefix: string;
  database: string;
  desiredCount: number;
  image?: string;
  logRetention: logs.RetentionDays;
}

/** The worker: one Fargate task of the project's image, its logs, and its least-privilege role. */
export class WorkerService extends Construct {
  readonly taskRole: iam.Role;
  readonly taskPolicy: iam.ManagedPolicy;
  readonly service: ecs.FargateService;
  readonly cluster: ecs.Cluster;
  readonly container: ecs.ContainerDefinition;

  constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id);
    this.taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'gcaudit worker: least privilege on its lake, key, workgroup, database and secrets',
    });
    this.taskPolicy = new iam.ManagedPolicy(this, 'TaskPolicy', {
      statements: workerPolicyStatements(props),
      roles: [this.taskRole],
    });

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 1024,
      memoryLimitMiB: 4096,
      taskRole: this.taskRole,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.lake.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const image = props.image
      ? ecs.ContainerImage.fromRegistry(props.image)
      : // Built from the project's Dockerfile when `cdk deploy` publishes assets (synth only stages the context).
        ecs.ContainerImage.fromDockerImageAsset(
          new ecrAssets.DockerImageAsset(this, 'Image', {
            directory: PROJECT_DIR,
            platform: ecrAssets.Platform.LINUX_AMD64,
          }),
        );
    this.container = taskDefinition.addContainer('worker', {
      image,
      essential: true,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'worker' }),
      // Non-secret settings only; secrets are referenced by ARN and fetched by the worker itself.
      environment: {
        ...props.environment,
        ...Object.fromEntries(props.secrets.map((s) => [`${s.setting}_SECRET_ARN`, s.secret.secretArn])),
      },
      stopTimeout: Duration.seconds(120),
    });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition,
      desiredCount: props.desiredCount,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      // One worker at a time during a deployment: the old one drains (Temporal retries its activities).
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      circuitBreaker: { enable: true, rollback: true },
    });
  }

  /** Worker not running: tasks wanted minus tasks running, from Container Insights (0 while startWorker is false). */
  missingTasksMetric(): cloudwatch.IMetric {
    const metric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName,
        dimensionsMap: { ClusterName: this.cluster.clusterName, ServiceName: this.service.serviceName },
        statistic: 'Minimum',
        period: Duration.minutes(5),
      });
    return new cloudwatch.MathExpression({
      expression: 'desired - running',
      usingMetrics: { desired: metric('DesiredTaskCount'), running: metric('RunningTaskCount') },
      label: 'worker tasks missing',
      period: Duration.minutes(5),
    });
  }
}
