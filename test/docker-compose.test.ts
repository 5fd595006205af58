import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { loadConfig } from '../src/config/config';
import { acceptedNames } from '../src/config/settings';
import { PROJECT_ROOT } from '../src/paths';
import { taskQueues } from '../src/temporal/task-queues';
import { WORKER_ENV, WORKER_NODE_FLAGS } from '../src/worker/node-flags';

// No Docker engine runs here, so this test keeps docker-compose.yml from rotting silently:
// it checks the services, ports and the worker's environment against the config module.

type Service = {
  image?: string;
  build?: string;
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  command?: string[] | string;
  secrets?: string[];
};
const compose = YAML.parse(readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
};
const { services } = compose;

/** Compose-style interpolation: ${X:-default} and ${X:?error}, with X taken from `vars`. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (vars[name]) return vars[name];
    if (op === '?') throw new Error(`${name} is required: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

function publishedPort(service: Service, containerPort: number): number | undefined {
  for (const p of service.ports ?? []) {
    const parts = p.split(':');
    if (Number(parts.at(-1)) === containerPort) return Number(parts.at(-2));
  }
  return undefined;
}

test('the stack has Temporal on PostgreSQL, its Web UI, MinIO with an init step, and the worker', () => {
  for (const name of [
    'postgresql',
    'temporal-schema',
    'temporal',
    'temporal-namespace',
    'temporal-ui',
    'minio',
    'minio-init',
    'worker',
  ]) {
    assert.ok(services[name], `service ${name} is defined`);
  }
  // The server image with a schema step, as Temporal recommends since auto-setup was deprecated.
  assert.match(services.temporal.image!, /^temporalio\/server:\d/);
  assert.ok(
    Object.values(services).every((svc) => !svc.image?.includes('auto-setup')),
    'no deprecated auto-setup image',
  );
  assert.equal(services.temporal.environment!.DB, 'postgres12');
  assert.equal(services.temporal.environment!.POSTGRES_SEEDS, 'postgresql');
  // The API budgets are task-queue rate limits: the rate-limited queues must have one partition.
  const mount = (services.temporal as { volumes?: string[] }).volumes?.find((v) => v.includes('dynamicconfig'));
  assert.ok(mount, 'the dynamic config is mounted');
  const [hostPath, containerPath] = mount.split(':');
  assert.equal(containerPath, `/etc/temporal/${services.temporal.environment!.DYNAMIC_CONFIG_FILE_PATH}`);
  const dynamic = YAML.parse(readFileSync(path.join(PROJECT_ROOT, hostPath), 'utf8')) as Record<
    string,
    Array<{ value: number; constraints: { taskQueueName: string } }>
  >;
  const queues = taskQueues(services.worker.environment!.TEMPORAL_TASK_QUEUE ?? 'gcaudit');
  for (const key of ['matching.numTaskqueueReadPartitions', 'matching.numTaskqueueWritePartitions']) {
    for (const queue of [queues.daily, queues.backfill]) {
      assert.ok(
        dynamic[key].some((e) => e.value === 1 && e.constraints.taskQueueName === queue),
        `${key} is 1 for ${queue}`,
      );
    }
  }
  assert.equal(publishedPort(services.temporal, 7233), 7233);
  assert.equal(publishedPort(services['temporal-ui'], 8080), 8233, 'the Web UI is where the docs say: 8233');
  assert.equal(services['temporal-ui'].environment!.TEMPORAL_ADDRESS, 'temporal:7233');
  assert.equal(publishedPort(services.minio, 9000), 9000);
  assert.equal(publishedPort(services.minio, 9001), 9001);
  for (const service of Object.values(services)) {
    for (const p of service.ports ?? []) assert.match(p, /^127\.0\.0\.1:/, `${p} is published on loopback only`);
    if (service.image) assert.doesNotMatch(service.image, /:latest$|^[^:]+$/, `${service.image} is pinned`);
  }
});

const composeCommand = (service: Service) => [service.command].flat().join(' ').replace(/\$\$/g, '$');

test('the schema step creates or updates both Temporal databases before the server starts, on every up', () => {
  const schema = services['temporal-schema'];
  const version = (image: string) => image.split(':')[1];
  assert.match(schema.image!, /^temporalio\/admin-tools:/);
  assert.equal(version(schema.image!), version(services.temporal.image!), 'admin-tools of the server’s version');
  assert.equal((schema.depends_on as Record<string, { condition: string }>).postgresql.condition, 'service_healthy');
  assert.equal(
    (services.temporal.depends_on as Record<string, { condition: string }>)['temporal-schema'].condition,
    'service_completed_successfully',
  );
  assert.equal(schema.environment!.POSTGRES_SEEDS, services.temporal.environment!.POSTGRES_SEEDS);

  // Run the step's shell script with a stand-in temporal-sql-tool that records its calls: first
  // on an empty server, then on one where the databases exist (create fails).
  const dir = mkdtempSync(path.join(tmpdir(), 'gcaudit-compose-'));
  const log = path.join(dir, 'calls.log');
  const tool = path.join(dir, 'temporal-sql-tool');
  writeFileSync(tool, `#!/bin/sh\necho "$*" >> ${log}\ncase "$*" in *" create") [ -z "$EXISTS" ] ;; esac\n`);
  chmodSync(tool, 0o755);
  const run = (exists: boolean) => {
    rmSync(log, { force: true });
    execFileSync('/bin/sh', ['-c', composeCommand(schema)], {
      env: { ...schema.environment, PATH: `${dir}:${process.env.PATH}`, EXISTS: exists ? '1' : '' },
    });
    return readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.replace('--plugin postgres12 --ep postgresql -u temporal -p 5432 ', ''));
  };
  assert.deepEqual(run(false), [
    '--db temporal create',
    '--db temporal setup-schema -v 0.0',
    '--db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned',
    '--db temporal_visibility create',
    '--db temporal_visibility setup-schema -v 0.0',
    '--db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned',
  ]);
  assert.deepEqual(run(true), [
    '--db temporal create',
    '--db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned',
    '--db temporal_visibility create',
    '--db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned',
  ]);
  rmSync(dir, { recursive: true, force: true });
});

test('the namespace step creates the worker’s namespace once the server answers, and the worker waits for it', () => {
  const step = services['temporal-namespace'];
  const namespace = services.worker.environment!.TEMPORAL_NAMESPACE;
  const cmd = composeCommand(step);
  assert.match(cmd, new RegExp(`temporal operator namespace create -n ${namespace} `));
  assert.match(cmd, new RegExp(`temporal operator namespace describe -n ${namespace} `));
  assert.equal(step.environment!.TEMPORAL_ADDRESS, services.worker.environment!.TEMPORAL_ADDRESS);
  assert.equal(
    (services.worker.depends_on as Record<string, { condition: string }>)['temporal-namespace'].condition,
    'service_completed_successfully',
  );
});

test('the init step creates the worker’s bucket with Object Lock before the worker starts', () => {
  const bucket = services.worker.environment!.S3_BUCKET;
  const init = [services['minio-init'].command].flat().join(' ');
  assert.match(init, new RegExp(`mc mb --ignore-existing --with-lock lake/${bucket}\\b`));
  const deps = services.worker.depends_on as Record<string, { condition: string }>;
  assert.equal(deps['minio-init'].condition, 'service_completed_successfully');
});

test('the worker’s environment is made of known settings and loads as a valid config', () => {
  const env = services.worker.environment!;
  const known = new Set(acceptedNames());
  for (const key of Object.keys(env)) assert.ok(known.has(key), `${key} is a setting the config module knows`);

  // Service names in addresses must be services of this file.
  assert.equal(env.TEMPORAL_ADDRESS.split(':')[0], 'temporal');
  assert.equal(new URL(env.S3_ENDPOINT).hostname, 'minio');
  assert.equal(new URL(env.S3_ENDPOINT).port, '9000');

  // Secrets come from files mounted as compose secrets, never inline.
  for (const [key, value] of Object.entries(env)) {
    if (key.endsWith('_FILE')) {
      const secret = path.basename(value);
      assert.ok(services.worker.secrets!.includes(secret), `${secret} is mounted into the worker`);
      assert.ok(compose.secrets[secret], `${secret} is declared`);
    }
  }

  // Load it as the worker would, with the operator's variables set and the secret files replaced
  // by readable stand-ins.
  const vars = { GENESYS_CLIENT_ID: 'client-id', GENESYS_REGION: 'eu_west_1' };
  const resolved: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    resolved[key] = key.endsWith('_FILE')
      ? path.join(PROJECT_ROOT, 'test', 'fixtures', 'compose-secrets', path.basename(value))
      : interpolate(value, vars);
  }
  const config = loadConfig(resolved);
  assert.equal(config.temporal.address, 'temporal:7233');
  assert.equal(config.s3.endpoint, 'http://minio:9000');
  assert.equal(config.s3.forcePathStyle, true);
  assert.equal(config.genesys.clientId, 'client-id');
  assert.ok(config.genesys.clientSecret && config.mask.hmacKey && config.manifest.signingKey);

  assert.throws(() => interpolate(env.GENESYS_CLIENT_ID, {}), /GENESYS_CLIENT_ID is required/);
});

test('the worker image builds the workflow bundle ahead of time and runs the compiled worker', () => {
  const dockerfile = readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
  assert.match(dockerfile, /RUN npm run build/);
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
  // The worker's V8 flags (src/worker/node-flags.ts), as the benchmark starts it.
  assert.deepEqual(cmd, ['node', ...WORKER_NODE_FLAGS, 'dist/src/worker/main.js']);
  for (const [name, value] of Object.entries(WORKER_ENV))
    assert.match(dockerfile, new RegExp(`^ENV ${name}=${value}$`, 'm'));
  assert.ok(
    existsSync(path.join(PROJECT_ROOT, 'src', 'worker', 'main.ts')),
    'the CMD is the compiled src/worker/main.ts',
  );
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
  assert.match(pkg.scripts.build, /build-workflow-bundle/);
});
