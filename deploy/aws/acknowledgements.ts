import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
// cdk-nag's own rendering of a resource ARN in its IAM5 findings (not re-exported by its index).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { GcauditStack } from './stack';

/**
 * Every cdk-nag finding the stack accepts, in one place, each with the reason a reviewer can
 * check. The packs (AwsSolutions, HIPAA Security, PCI DSS 3.2.1) report nothing else
 * (test/deploy/aws-stack.test.ts).
 */
export function acknowledgeFindings(stack: GcauditStack): void {
  const ack = (scope: IConstruct, ids: string[], reason: string) => {
    for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
  };
  const packs = (rule: string) => [`HIPAA.Security-${rule}`, `PCI.DSS.321-${rule}`];
  const wildcard = (arn: string) => `AwsSolutions-IAM5[Resource::${flattenCfnReference(stack.resolve(arn))}]`;
  const { lake, stream, secrets, worker, vpc } = stack;
  const org = stack.workerEnvironment.GCAUDIT_ORG;
  const database = stack.workerEnvironment.ATHENA_DATABASE;
  const glueTables = `arn:${stack.partition}:glue:${stack.region}:${stack.account}:table/${database}/*`;

  // IAM: object-level grants are prefixes, as S3 keys are made at run time.
  ack(
    stream,
    [wildcard(lake.bucket.arnForObjects('raw/*')), wildcard(lake.bucket.arnForObjects('firehose-errors/*'))],
    'Firehose names each object itself (raw/YYYY/MM/DD/HH/<stream>-<time>-<uuid>.gz, errors under firehose-errors/); the grant is write-only (PutObject, AbortMultipartUpload) and limited to those two prefixes.',
  );
  ack(
    worker.taskPolicy,
    [
      wildcard(lake.bucket.arnForObjects(`${org}/*`)),
      wildcard(lake.bucket.arnForObjects(`_staging/${org}/*`)),
      wildcard(lake.bucket.arnForObjects('_system/*')),
    ],
    "The worker writes and reads lake objects whose keys it derives at run time (day partitions, manifests, staging chunks, probes); the grant is limited to its org's prefixes, carries no delete outside _staging/, and the bucket policy and COMPLIANCE lock hold regardless.",
  );
  ack(
    worker.taskPolicy,
    [wildcard(lake.bucket.arnForObjects('raw/*'))],
    'The worker reads (GetObject only) the objects Firehose delivered under raw/, whose names Firehose makes.',
  );
  ack(
    worker.taskPolicy,
    [wildcard(lake.athenaResults.arnForObjects('results/*'))],
    "Athena writes each query's result under the workgroup's result location with the caller's permissions; names are query ids.",
  );
  ack(
    worker.taskPolicy,
    [wildcard(glueTables)],
    'Read-only Glue calls (GetTable(s), GetPartition(s)) on the tables of its own database; Athena resolves the view and its base tables by name. Writes are limited to the named tables.',
  );
  ack(
    secrets.generatorPolicy,
    ['AwsSolutions-IAM5[Resource::*]'],
    'A Lambda function in a VPC manages its network interfaces; EC2 does not support resource-level permissions for these actions (AWSLambdaVPCAccessExecutionRole grants the same on *).',
  );
  const executionRole = worker.service.taskDefinition.executionRole!;
  ack(
    executionRole,
    ['AwsSolutions-IAM5[Resource::*]'],
    'ecr:GetAuthorizationToken has no resource-level permissions; the image pull actions themselves are scoped to the asset repository by CDK.',
  );
  ack(
    executionRole,
    packs('IAMNoInlinePolicy'),
    "CDK writes the execution role's grants (image pull from the asset repository, writes to the worker's log group) as its inline default policy; they are scoped to those resources.",
  );
  const flowLogRole = vpc.node.findAll().find((c) => c.node.path.endsWith('/all/IAMRole'));
  if (flowLogRole)
    ack(
      flowLogRole,
      packs('IAMNoInlinePolicy'),
      "CDK writes the VPC flow log role's grant (write to its own log group) as an inline default policy scoped to that group.",
    );

  // ECS: configuration is environment variables, secrets are not.
  ack(
    worker.service.taskDefinition,
    ['AwsSolutions-ECS2'],
    'The environment holds only non-secret settings (org, region, bucket, key ARN, Temporal address) and the ARNs of the secrets; the worker fetches the secret values itself at start (<NAME>_SECRET_ARN), so no value is in the task definition.',
  );

  // Secrets: rotation.
  for (const { setting, secret } of secrets.all) {
    const reason =
      ROTATION[setting] ?? 'Rotated at its source, outside AWS; the operator writes the new value into the secret.';
    ack(secret, ['AwsSolutions-SMG4', ...packs('SecretsManagerRotationEnabled')], reason);
  }

  // The signing key generator: a one-shot custom resource.
  ack(
    secrets.generator,
    packs('LambdaDLQ'),
    'CloudFormation invokes this custom resource once per stack event and waits for its response; a failed invocation fails the stack operation, which is the report. A queue would hold nothing anyone acts on.',
  );

  // Networking: the default security group is unused; closing it takes a CDK custom resource (another Lambda).
  ack(
    vpc,
    packs('VPCDefaultSecurityGroupClosed'),
    "Nothing is placed in the VPC's default security group: the worker and the key generator each have their own security group without inbound rules.",
  );
  // The NAT gateway's subnets route to the internet gateway by definition.
  for (const subnet of vpc.publicSubnets) {
    const route = subnet.node.tryFindChild('DefaultRoute');
    if (route)
      ack(
        route,
        packs('VPCNoUnrestrictedRouteToIGW'),
        'Public subnets hold only the NAT gateway (no tasks, no public IPs); the worker runs in private subnets and reaches Genesys Cloud and Temporal Cloud through the NAT.',
      );
  }
}

/** Why each generated or source-rotated secret has no Secrets Manager rotation schedule. */
const ROTATION: Record<string, string> = {
  MASK_HMAC_KEY:
    'The HMAC key pseudonymizes phone numbers; rotating it would make the same number yield a different pseudonym, breaking correlation across the retention period. It never leaves AWS (KMS-encrypted, read only by the worker role).',
  MANIFEST_SIGNING_KEY:
    'Each day manifest names the key that signed it and the chain keeps every public key; a new key is a deliberate step (new secret value, new key id), not a timed rotation that could break verification.',
  GENESYS_CLIENT_SECRET:
    'The OAuth client secret is issued and rotated in Genesys Cloud; the operator writes the new value here (no Lambda can rotate it in Genesys).',
  TEMPORAL_TLS_CLIENT_CERT_DATA:
    "The mTLS certificate is issued by the customer's CA for Temporal Cloud and rotated there; the operator writes the new value here.",
  TEMPORAL_TLS_CLIENT_KEY_DATA:
    'The mTLS key is issued with its certificate for Temporal Cloud and rotated there; the operator writes the new value here.',
  TEMPORAL_API_KEY:
    'Temporal Cloud API keys are issued and expire in Temporal Cloud; the operator writes the new value here.',
};
