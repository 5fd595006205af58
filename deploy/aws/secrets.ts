import {
  CustomResource,
  Duration,
  RemovalPolicy,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_secretsmanager as sm,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DeployParameters } from './params';
import { LakeStorage } from './lake-bucket';

/** A secret the worker reads, by the setting it feeds (`<setting>_SECRET_ARN`). */
export interface WorkerSecret {
  setting: string;
  secret: sm.Secret;
}

/**
 * The worker's secrets in Secrets Manager, encrypted with the lake's key. None of their values is
 * in the template or the outputs: the keys are generated in AWS, the credentials that come from
 * elsewhere (Genesys, Temporal Cloud) start as random placeholders that the operator overwrites
 * (`aws secretsmanager put-secret-value`).
 *
 * MASK_HMAC_KEY: Secrets Manager's generator (64 letters and digits).
 * MANIFEST_SIGNING_KEY: an Ed25519 private key in PKCS#8 PEM, which the generator cannot make; a
 * one-shot custom resource generates it with node:crypto inside AWS and writes it into the
 * secret with PutSecretValue. It returns nothing: the public key reaches verifiers through the
 * lake (the worker writes it under <org>/manifests/keys/), not through the stack.
 */
export class WorkerSecrets extends Construct {
  readonly all: WorkerSecret[] = [];
  generatorPolicy!: iam.ManagedPolicy;
  generator!: lambda.Function;

  constructor(
    scope: Construct,
    id: string,
    props: { lake: LakeStorage; params: DeployParameters; vpc: ec2.IVpc; logRetention: logs.RetentionDays },
  ) {
    super(scope, id);
    const { lake, params } = props;
    const placeholder = (name: string, setting: string, what: string) => {
      const secret = new sm.Secret(this, name, {
        description: `gcaudit ${params.org}: ${what}. Placeholder: put the real value (aws secretsmanager put-secret-value).`,
        encryptionKey: lake.key,
        generateSecretString: { passwordLength: 32, excludePunctuation: true },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.all.push({ setting, secret });
      return secret;
    };
    placeholder(
      'GenesysClientSecret',
      'GENESYS_CLIENT_SECRET',
      `secret of the Genesys Cloud OAuth client ${params.genesysClientId}`,
    );
    if (params.temporal.kind === 'cloud' && params.temporal.auth === 'mtls') {
      placeholder(
        'TemporalClientCert',
        'TEMPORAL_TLS_CLIENT_CERT_DATA',
        'Temporal Cloud mTLS client certificate (PEM)',
      );
      placeholder('TemporalClientKey', 'TEMPORAL_TLS_CLIENT_KEY_DATA', 'Temporal Cloud mTLS client private key (PEM)');
    }
    if (params.temporal.kind === 'cloud' && params.temporal.auth === 'api-key') {
      placeholder('TemporalApiKey', 'TEMPORAL_API_KEY', 'Temporal Cloud API key');
    }

    const hmac = new sm.Secret(this, 'MaskHmacKey', {
      description: `gcaudit ${params.org}: MASK_HMAC_KEY, the key of the HMAC that pseudonymizes phone numbers`,
      encryptionKey: lake.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.all.push({ setting: 'MASK_HMAC_KEY', secret: hmac });

    const signing = new sm.Secret(this, 'ManifestSigningKey', {
      description: `gcaudit ${params.org}: MANIFEST_SIGNING_KEY, the Ed25519 key that signs day manifests (written by a one-shot generator)`,
      encryptionKey: lake.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.all.push({ setting: 'MANIFEST_SIGNING_KEY', secret: signing });
    this.generateSigningKey(signing, props);
  }

  private generateSigningKey(
    secret: sm.Secret,
    props: { lake: LakeStorage; vpc: ec2.IVpc; logRetention: logs.RetentionDays },
  ): void {
    const logGroup = new logs.LogGroup(this, 'SigningKeyGeneratorLogs', {
      retention: props.logRetention,
      encryptionKey: props.lake.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const policy = new iam.ManagedPolicy(this, 'SigningKeyGeneratorPolicy', {
      statements: [
        new iam.PolicyStatement({ actions: ['secretsmanager:PutSecretValue'], resources: [secret.secretArn] }),
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Encrypt'],
          resources: [props.lake.key.keyArn],
        }),
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
        // Lambda's network interfaces in the VPC; EC2 does not scope these actions to resources.
        new iam.PolicyStatement({
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
      ],
    });
    const role = new iam.Role(this, 'SigningKeyGeneratorRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [policy],
    });
    this.generatorPolicy = policy;
    const fn = new lambda.Function(this, 'SigningKeyGenerator', {
      description: 'gcaudit: generates the Ed25519 manifest signing key into its secret, once',
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(SIGNING_KEY_GENERATOR),
      timeout: Duration.minutes(1),
      role,
      logGroup,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      reservedConcurrentExecutions: 1,
    });
    fn.node.addDependency(policy);
    this.generator = fn;
    const resource = new CustomResource(this, 'SigningKey', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::GcauditManifestSigningKey',
      properties: { SecretArn: secret.secretArn },
    });
    resource.node.addDependency(secret);
    // The function reaches Secrets Manager through the NAT gateway: wait for the VPC's routes.
    resource.node.addDependency(props.vpc);
  }
}

/**
 * The generator's code (Lambda's Node runtime, which ships the AWS SDK v3). On Create it writes a
 * new key; Update and Delete leave the secret as it is: replacing the signing key is a decision
 * (the chain names each manifest's key id), never a side effect of a stack update. The response
 * carries no data, and errors are reported by name only.
 */
const SIGNING_KEY_GENERATOR = `
const { generateKeyPairSync } = require('node:crypto');
const https = require('node:https');
const { SecretsManagerClient, PutSecretValueCommand } = require('@aws-sdk/client-secrets-manager');

function respond(event, status, reason) {
  const body = JSON.stringify({
    Status: status,
    Reason: reason,
    PhysicalResourceId: event.PhysicalResourceId || 'gcaudit-manifest-signing-key',
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: {},
  });
  return new Promise((resolve, reject) => {
    const req = https.request(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(body);
  });
}

exports.handler = async (event) => {
  try {
    if (event.RequestType === 'Create') {
      const { privateKey } = generateKeyPairSync('ed25519');
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
      await new SecretsManagerClient({}).send(new PutSecretValueCommand({ SecretId: event.ResourceProperties.SecretArn, SecretString: pem }));
    }
    await respond(event, 'SUCCESS', 'ok');
  } catch (err) {
    console.log('signing key generation failed: ' + (err && err.name));
    await respond(event, 'FAILED', 'signing key generation failed: ' + (err && err.name));
  }
};
`;
