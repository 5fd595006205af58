/**
 * The AWS CDK app (deploy/aws), synthesized in-process with the example parameters (no AWS account,
 * no Docker: synth stages the Dockerfile's context, `cdk deploy` builds it), then held to what the
 * issue asks: Object Lock, KMS, the bucket policy, the task role's exact actions, no secret value,
 * the catalogue from the same definitions as `gcaudit athena ddl`, the three cdk-nag packs, and
 * cfn-lint on the template.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { LifecycleRule } from '@aws-sdk/client-s3';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks, PCIDSS321Checks } from 'cdk-nag';
import { loadChecks } from '../../src/checks/check-file';
import { loadConfig } from '../../src/config/config';
import { acceptedNames } from '../../src/config/settings';
import { lifecycleRules, planRetention } from '../../src/evidence/retention-plan';
import { AUDIT_DETAIL_TYPE } from '../../src/ingest/envelope';
import { rawKeyDay } from '../../src/ingest/ingest-keys';
import { LAKE_COLUMNS } from '../../src/model/canonical';
import { athenaDdl } from '../../src/query/athena-ddl';
import { parseDeployParameters } from '../../deploy/aws/params';
import { GcauditStack } from '../../deploy/aws/stack';
import { PROJECT_ROOT, TOOLS_BIN } from '../../src/paths';

const exec = promisify(execFile);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const example = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'deploy', 'aws', 'params.example.json'), 'utf8'));
const params = parseDeployParameters(example);
let outdir: string;
let stack: GcauditStack;
let json: Json;

before(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'gcaudit-cdk-'));
  const app = new App({ outdir });
  stack = new GcauditStack(app, 'gcaudit-acme', { params, env: { account: '123456789012', region: 'eu-west-1' } });
  app.synth();
  json = JSON.parse(readFileSync(path.join(outdir, 'gcaudit-acme.template.json'), 'utf8'));
});

after(() => rmSync(outdir, { recursive: true, force: true }));

const resources = (type: string): Array<[string, Json]> =>
  Object.entries(json.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.resolve((construct.node.defaultChild as { logicalId: string }).logicalId) as string;
const lakeId = () => logicalId(stack.lake.bucket);

test('the lake bucket: versioned, Object Lock COMPLIANCE for the retention days, SSE-KMS with a rotating CMK, no public access, access logs', () => {
  const bucket = json.Resources[lakeId()].Properties;
  assert.equal(bucket.ObjectLockEnabled, true);
  assert.deepEqual(bucket.ObjectLockConfiguration, {
    ObjectLockEnabled: 'Enabled',
    Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2557 } },
  });
  assert.deepEqual(bucket.VersioningConfiguration, { Status: 'Enabled' });
  const sse = bucket.BucketEncryption.ServerSideEncryptionConfiguration[0];
  assert.equal(sse.ServerSideEncryptionByDefault.SSEAlgorithm, 'aws:kms');
  assert.deepEqual(sse.ServerSideEncryptionByDefault.KMSMasterKeyID, {
    'Fn::GetAtt': [logicalId(stack.lake.key), 'Arn'],
  });
  assert.equal(json.Resources[logicalId(stack.lake.key)].Properties.EnableKeyRotation, true);
  assert.deepEqual(bucket.PublicAccessBlockConfiguration, {
    BlockPublicAcls: true,
    BlockPublicPolicy: true,
    IgnorePublicAcls: true,
    RestrictPublicBuckets: true,
  });
  assert.deepEqual(bucket.LoggingConfiguration.DestinationBucketName, { Ref: logicalId(stack.lake.accessLogs) });
  assert.equal(json.Resources[lakeId()].DeletionPolicy, 'Retain', 'locked evidence outlives the stack');

  // GOVERNANCE and other days, a Temporal Cloud API key and a pre-built image come through the same parameters.
  const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'gcaudit-cdk-')) });
  const other = parseDeployParameters({
    ...example,
    lockMode: 'GOVERNANCE',
    retentionDays: 400,
    workerImage: 'example.com/gcaudit:1',
    temporal: { ...example.temporal, auth: 'api-key' },
  });
  const governed = new GcauditStack(app, 'g', { params: other });
  const t = Template.fromStack(governed);
  t.hasResourceProperties('AWS::S3::Bucket', {
    ObjectLockConfiguration: {
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 400 } },
    },
  });
  const [container] = Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions;
  assert.equal(container.Image, 'example.com/gcaudit:1');
  const names = container.Environment.map((e: Json) => e.Name as string);
  assert.ok(
    names.includes('TEMPORAL_API_KEY_SECRET_ARN') && !names.some((n: string) => n.startsWith('TEMPORAL_TLS_CLIENT')),
  );
});

test('the lifecycle rules are the ones gcaudit init applies (one source: src/evidence/retention-plan.ts)', () => {
  // Read the template's rules back into the S3 API's shape, independently of deploy/aws/lifecycle.ts.
  const back: LifecycleRule[] = json.Resources[lakeId()].Properties.LifecycleConfiguration.Rules.map((r: Json) => {
    const rule: LifecycleRule = { ID: r.Id, Status: r.Status, Filter: { Prefix: r.Prefix } };
    if (r.Transitions)
      rule.Transitions = r.Transitions.map((t: Json) => ({ Days: t.TransitionInDays, StorageClass: t.StorageClass }));
    if (r.NoncurrentVersionTransitions)
      rule.NoncurrentVersionTransitions = r.NoncurrentVersionTransitions.map((t: Json) => ({
        NoncurrentDays: t.TransitionInDays,
        StorageClass: t.StorageClass,
      }));
    if (r.ExpirationInDays) rule.Expiration = { Days: r.ExpirationInDays };
    if (r.NoncurrentVersionExpiration)
      rule.NoncurrentVersionExpiration = { NoncurrentDays: r.NoncurrentVersionExpiration.NoncurrentDays };
    if (r.AbortIncompleteMultipartUpload)
      rule.AbortIncompleteMultipartUpload = {
        DaysAfterInitiation: r.AbortIncompleteMultipartUpload.DaysAfterInitiation,
      };
    return rule;
  });
  const config = loadConfig({
    GCAUDIT_ORG: params.org,
    LAKE_RETENTION_DAYS: String(params.retentionDays),
    LAKE_LOCK_MODE: params.lockMode,
  });
  assert.deepEqual(back, lifecycleRules(planRetention(config)));
  assert.ok(
    back.some((r) => r.Filter?.Prefix === '_staging/'),
    'the _staging/ cleanup rule is there',
  );
});

test('the bucket policy denies non-TLS requests, and version deletion and governance bypass everywhere but the worker’s _staging/', () => {
  const [[, policy]] = resources('AWS::S3::BucketPolicy').filter(([, p]) => p.Properties.Bucket.Ref === lakeId());
  const statements: Json[] = policy.Properties.PolicyDocument.Statement;
  const tls = statements.find((s) => s.Condition?.Bool?.['aws:SecureTransport'] === 'false');
  assert.ok(tls && tls.Effect === 'Deny' && tls.Principal.AWS === '*' && tls.Action === 's3:*');
  const outside = statements.find((s) => s.Sid === 'DenyVersionDeletionAndBypassOutsideStaging')!;
  assert.equal(outside.Effect, 'Deny');
  assert.deepEqual(outside.Principal, { AWS: '*' });
  assert.deepEqual([outside.Action].flat().sort(), ['s3:BypassGovernanceRetention', 's3:DeleteObjectVersion']);
  assert.deepEqual(stack.resolve(outside.NotResource), stack.resolve(stack.lake.bucket.arnForObjects('_staging/*')));
  const staging = statements.find((s) => s.Sid === 'DenyVersionDeletionAndBypassInStagingExceptWorker')!;
  assert.equal(staging.Effect, 'Deny');
  assert.deepEqual(staging.Principal, { AWS: '*' });
  assert.deepEqual(staging.Condition, {
    ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [logicalId(stack.worker.taskRole), 'Arn'] } },
  });
  // The lake's policy only denies: every grant is in a role's own policy.
  assert.ok(statements.every((s) => s.Effect === 'Deny'));
});

test('the worker’s task role has exactly the actions it needs: no delete or bypass outside _staging/', () => {
  const roleId = logicalId(stack.worker.taskRole);
  const attached = resources('AWS::IAM::ManagedPolicy').filter(([, p]) =>
    (p.Properties.Roles ?? []).some((r: Json) => r.Ref === roleId),
  );
  assert.equal(attached.length, 1, 'one managed policy on the task role');
  assert.equal(json.Resources[roleId].Properties.Policies, undefined, 'no inline policy');
  assert.equal(json.Resources[roleId].Properties.ManagedPolicyArns, undefined, 'no AWS-managed policy');
  const statements: Json[] = attached[0][1].Properties.PolicyDocument.Statement;
  const bySid = Object.fromEntries(statements.map((s) => [s.Sid, [s.Action].flat().sort()]));
  assert.deepEqual(bySid, {
    LakeObjects: [
      's3:GetObject',
      's3:GetObjectRetention',
      's3:GetObjectVersion',
      's3:PutObject',
      's3:PutObjectRetention',
      's3:RestoreObject',
    ],
    RawStream: ['s3:GetObject'],
    StagingCleanup: ['s3:BypassGovernanceRetention', 's3:DeleteObject', 's3:DeleteObjectVersion'],
    LakeBucket: [
      's3:GetBucketLocation',
      's3:GetBucketObjectLockConfiguration',
      's3:GetBucketVersioning',
      's3:ListBucket',
      's3:ListBucketVersions',
    ],
    LakeKey: ['kms:Decrypt', 'kms:GenerateDataKey'],
    AthenaResults: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
    AthenaResultsBucket: ['s3:GetBucketLocation', 's3:ListBucket'],
    AthenaWorkgroup: [
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:GetWorkGroup',
      'athena:StartQueryExecution',
      'athena:StopQueryExecution',
    ],
    GlueRead: ['glue:GetDatabase', 'glue:GetPartition', 'glue:GetPartitions', 'glue:GetTable', 'glue:GetTables'],
    GlueRecrawl: ['glue:UpdateTable'],
    GlueView: ['glue:CreateTable'],
    Secrets: ['secretsmanager:GetSecretValue'],
  });
  for (const s of statements) assert.equal(s.Effect, 'Allow');
  const flat = (s: Json) => JSON.stringify(s.Resource);
  // Deletion and bypass only on the org's _staging/ prefix; secrets only the stack's own.
  assert.match(flat(statements.find((s) => s.Sid === 'StagingCleanup')!), /\/_staging\/acme\/\*"/);
  assert.ok(
    !statements.some(
      (s) => s.Sid !== 'StagingCleanup' && [s.Action].flat().some((a: string) => /Delete|Bypass/.test(a)),
    ),
  );
  const secretIds = stack.secrets.all.map((s) => logicalId(s.secret)).sort();
  assert.deepEqual(
    [statements.find((s) => s.Sid === 'Secrets')!.Resource]
      .flat()
      .map((r: Json) => r.Ref)
      .sort(),
    secretIds,
  );
  assert.ok(
    statements.every((s) => !flat(s).includes('"*"')),
    'no statement on every resource',
  );
});

test('no secret value is in the template or the outputs; the worker gets secrets by ARN', () => {
  const text = JSON.stringify(json);
  assert.doesNotMatch(text, /PRIVATE KEY|BEGIN CERTIFICATE|stand-in/);
  for (const value of [process.env.MASK_HMAC_KEY, process.env.MANIFEST_SIGNING_KEY])
    if (value) assert.ok(!text.includes(value));
  for (const [, secret] of resources('AWS::SecretsManager::Secret')) {
    assert.equal(secret.Properties.SecretString, undefined, 'no literal secret value');
    assert.ok(secret.Properties.KmsKeyId, 'encrypted with the lake key');
  }
  for (const [, output] of Object.entries(json.Outputs as Record<string, Json>))
    assert.doesNotMatch(JSON.stringify(output.Value), /Fn::GetAtt.*SecretString|resolve:secretsmanager/);
  const [[, task]] = resources('AWS::ECS::TaskDefinition');
  const container = task.Properties.ContainerDefinitions[0];
  assert.equal(container.Secrets, undefined);
  const env: Record<string, Json> = Object.fromEntries(container.Environment.map((e: Json) => [e.Name, e.Value]));
  const known = new Set(acceptedNames());
  for (const name of Object.keys(env)) assert.ok(known.has(name), `${name} is a setting the worker knows`);
  assert.deepEqual(
    Object.keys(env)
      .filter((n) => n.endsWith('_SECRET_ARN'))
      .sort(),
    [
      'GENESYS_CLIENT_SECRET_SECRET_ARN',
      'MANIFEST_SIGNING_KEY_SECRET_ARN',
      'MASK_HMAC_KEY_SECRET_ARN',
      'TEMPORAL_TLS_CLIENT_CERT_DATA_SECRET_ARN',
      'TEMPORAL_TLS_CLIENT_KEY_DATA_SECRET_ARN',
    ],
  );
  assert.equal(env.TEMPORAL_ADDRESS, params.temporal.address);
  assert.equal(env.TEMPORAL_TLS, 'true');
  assert.equal(env.LAKE_SSE, 'aws:kms');
  assert.equal(env.QUERY_ENGINE, 'athena');
});

test('the stream: the partner bus’s audit topic into Firehose, gzip under raw/YYYY/MM/DD/HH/, errors elsewhere, logged', () => {
  const [[, bus]] = resources('AWS::Events::EventBus');
  assert.equal(bus.Properties.EventSourceName, params.partnerEventSource);
  const [[, rule]] = resources('AWS::Events::Rule');
  assert.deepEqual(rule.Properties.EventPattern, {
    source: [params.partnerEventSource],
    'detail-type': [AUDIT_DETAIL_TYPE],
  });
  const [[streamId, stream]] = resources('AWS::KinesisFirehose::DeliveryStream');
  assert.deepEqual(rule.Properties.Targets[0].Arn, { 'Fn::GetAtt': [streamId, 'Arn'] });
  const s3 = stream.Properties.ExtendedS3DestinationConfiguration;
  const config = loadConfig({});
  assert.equal(s3.Prefix, config.ingest.rawPrefix);
  assert.equal(s3.CompressionFormat, 'GZIP');
  assert.ok(!s3.ErrorOutputPrefix.startsWith(config.ingest.rawPrefix), 'errors are not read as stream objects');
  assert.deepEqual(
    s3.ProcessingConfiguration.Processors.map((p: Json) => p.Type),
    ['AppendDelimiterToRecord'],
  );
  assert.equal(s3.CloudWatchLoggingOptions.Enabled, true);
  assert.equal(stream.Properties.DeliveryStreamEncryptionConfigurationInput.KeyType, 'CUSTOMER_MANAGED_CMK');
  // Firehose's own key layout with a prefix without expressions, as ingest dates it.
  assert.equal(rawKeyDay(s3.Prefix, `${s3.Prefix}2026/03/07/23/gcaudit-1-2026-03-07-23-55-01-0b7c.gz`), '2026-03-07');
  const alarms = resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  assert.equal(alarms.length, 2);
  assert.ok(
    alarms.some((a) => JSON.stringify(a.Metrics ?? []).includes('RunningTaskCount')),
    'worker not running',
  );
  assert.ok(
    alarms.some((a) => a.MetricName === 'DeliveryToS3.Success'),
    'Firehose delivery failures',
  );
});

test('the Glue tables have the lake writer’s columns, the same as gcaudit athena ddl (one source)', () => {
  const config = loadConfig({ GCAUDIT_ORG: params.org, ATHENA_DATABASE: stack.workerEnvironment.ATHENA_DATABASE });
  const ddl = athenaDdl({
    database: config.query.athena.database,
    bucket: config.s3.bucket,
    org: params.org,
    extraColumns: [],
    namedQueries: [],
  });
  const ddlColumns = (table: string) => {
    const sql = ddl.statements.find((s) => s.what === `table ${table}`)!.sql;
    const body = sql.slice(sql.indexOf('(\n') + 2, sql.indexOf('\n)\nPARTITIONED'));
    return body.split(',\n').map((line) => {
      const m = /^\s*`([^`]+)` (\S+)$/.exec(line)!;
      return { Name: m[1], Type: m[2] };
    });
  };
  const tables = Object.fromEntries(
    resources('AWS::Glue::Table').map(([, t]) => [t.Properties.TableInput.Name, t.Properties.TableInput]),
  );
  const ddlTables = ddl.statements.filter((s) => s.what.startsWith('table ')).map((s) => s.what.slice('table '.length));
  assert.deepEqual(
    Object.keys(tables).sort(),
    ddlTables.sort(),
    'every lake table: the events and the access snapshot',
  );
  assert.ok(ddlTables.includes('audit_events') && ddlTables.includes('access_grants'));
  for (const name of Object.keys(tables)) {
    assert.deepEqual(tables[name].StorageDescriptor.Columns, ddlColumns(name), `${name}: Glue columns = DDL columns`);
    assert.deepEqual(tables[name].PartitionKeys, [
      { Name: 'year', Type: 'string' },
      { Name: 'month', Type: 'string' },
      { Name: 'day', Type: 'string' },
    ]);
    assert.equal(tables[name].Parameters['projection.enabled'], 'true');
    assert.match(
      JSON.stringify(tables[name].Parameters['storage.location.template']),
      /year=\$\{year\}\/month=\$\{month\}\/day=\$\{day\}\//,
    );
  }
  assert.deepEqual(
    tables.audit_events.StorageDescriptor.Columns,
    LAKE_COLUMNS.map((c) => ({ Name: c.name, Type: c.athena })),
    'the event tables have exactly the writer’s columns',
  );
});

test('the Athena workgroup enforces an encrypted result location and a bytes-scanned cutoff; one named query per check', () => {
  const [[, wg]] = resources('AWS::Athena::WorkGroup');
  const c = wg.Properties.WorkGroupConfiguration;
  assert.equal(c.EnforceWorkGroupConfiguration, true);
  assert.equal(c.BytesScannedCutoffPerQuery, params.athenaBytesScannedCutoff);
  assert.equal(c.ResultConfiguration.EncryptionConfiguration.EncryptionOption, 'SSE_KMS');
  assert.match(JSON.stringify(c.ResultConfiguration.OutputLocation), /s3:\/\//);
  const queries = resources('AWS::Athena::NamedQuery')
    .map(([, q]) => q.Properties.Name)
    .sort();
  assert.deepEqual(
    queries,
    loadChecks()
      .map((check) => `gcaudit-${check.id}`)
      .sort(),
  );
});

test('synth stages the worker image from the project’s Dockerfile without building it', () => {
  const assets = JSON.parse(readFileSync(path.join(outdir, 'gcaudit-acme.assets.json'), 'utf8'));
  const images = Object.values(assets.dockerImages ?? {}) as Json[];
  assert.equal(images.length, 1);
  const dir = path.join(outdir, images[0].source.directory);
  assert.ok(existsSync(path.join(dir, 'Dockerfile')));
  assert.ok(
    !existsSync(path.join(dir, 'node_modules')) && !existsSync(path.join(dir, '.git')),
    '.dockerignore keeps the context small',
  );
});

test('cdk-nag: AwsSolutions, HIPAA Security and PCI DSS 3.2.1 report nothing unacknowledged, and every acknowledgement has a reason', () => {
  for (const pack of [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new PCIDSS321Checks()]) {
    // Warnings too: CDK fails the app's synth (and so `cdk deploy`) on any violation a plugin reports.
    const violations = pack.validateScope(stack).violations;
    assert.deepEqual(
      violations.map(
        (e) => `${e.severity} ${e.ruleName} ${e.violatingResources.map((r) => r.constructPath).join(' ')}`,
      ),
      [],
      `${pack.readPackName}: nothing to report`,
    );
  }
  let count = 0;
  for (const c of stack.node.findAll()) {
    for (const entry of c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        count++;
        assert.ok(
          typeof reason === 'string' && reason.length >= 40,
          `${c.node.path} ${id}: a reason a reviewer can check`,
        );
      }
    }
  }
  assert.ok(count > 0);
});

test('cfn-lint finds no error in the synthesized template', async () => {
  const cfnLint = path.join(TOOLS_BIN, '..', 'venv', 'bin', 'cfn-lint');
  assert.ok(existsSync(cfnLint), `cfn-lint is installed by scripts/setup.sh at ${cfnLint}`);
  const file = path.join(outdir, 'gcaudit-acme.template.json');
  const res = await exec(cfnLint, ['--format', 'json', '--regions', 'eu-west-1', '--', file], {
    maxBuffer: 64 * 1024 * 1024,
  }).catch((err: { stdout: string; code: number }) => err);
  const findings = JSON.parse(res.stdout || '[]') as Json[];
  const errors = findings.filter((f) => f.Level === 'Error');
  assert.deepEqual(
    errors.map((f) => `${f.Rule.Id} ${f.Message}`),
    [],
  );
});

test('deploy parameters: bad values are reported together, each by its path', () => {
  assert.throws(
    () =>
      parseDeployParameters({
        ...example,
        org: 'Acme Corp',
        retentionDays: 0,
        temporal: { kind: 'cloud', address: 'nope', namespace: 'n', auth: 'password' },
      }),
    (err: Error) =>
      /org: /.test(err.message) &&
      /retentionDays: /.test(err.message) &&
      /temporal\.address: /.test(err.message) &&
      /temporal\.auth: /.test(err.message),
  );
  assert.throws(() => parseDeployParameters({ ...example, extra: 1 }), /Unrecognized key/);
});
