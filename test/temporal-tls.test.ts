/**
 * Temporal over mTLS, end to end: the client and the worker connect through the app's own
 * connection code (envconfig) to a TLS-terminating proxy that demands a client certificate of
 * its CA, in front of the harness's dev server; a workflow runs through it. Without the right
 * certificate the connection is refused, so the test would fail if TLS were silently skipped.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@temporalio/client';
import { loadConfig } from '../src/config/config';
import { connectClient, connectWorker } from '../src/temporal/connection';
import { taskQueues } from '../src/temporal/task-queues';
import { createWorkerDependencies } from '../src/worker/dependencies';
import { createWorkers, runWorkers } from '../src/worker/worker';
import { lakeProbeWorkflow } from '../src/workflows';
import { freshLake, uniqueName, workflowBundle } from './harness/env';
import { makeCertificates, startTlsProxy, TLS_SERVER_NAME, TlsProxy } from './harness/tls-proxy';

let files: ReturnType<typeof makeCertificates>;
let proxy: TlsProxy;

before(async () => {
  files = makeCertificates();
  proxy = await startTlsProxy(process.env.TEMPORAL_ADDRESS!, files);
});

after(() => proxy?.close());

test('client and worker connect with an mTLS client certificate (files and PEM text) and run a workflow', async () => {
  const { config: lakeConfig, s3 } = await freshLake({ LAKE_RETENTION_DAYS: '1' });
  s3.destroy();
  const base = uniqueName('tls');
  const env = {
    ...process.env,
    S3_BUCKET: lakeConfig.s3.bucket,
    LAKE_RETENTION_DAYS: '1',
    GENESYS_API_BASE: 'http://127.0.0.1:9',
    GENESYS_CLIENT_ID: 'unused',
    GENESYS_CLIENT_SECRET: 'unused',
    TEMPORAL_ADDRESS: proxy.address,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: files.caCert,
    TEMPORAL_TLS_SERVER_NAME: TLS_SERVER_NAME,
    TEMPORAL_TLS_CLIENT_CERT_PATH: files.clientCert,
    // The key as PEM text, as it comes from Secrets Manager (<NAME>_SECRET_ARN) or a _FILE.
    TEMPORAL_TLS_CLIENT_KEY_DATA: readFileSync(files.clientKey, 'utf8'),
  };
  const config = loadConfig(env);
  assert.equal(config.temporal.tls, true, 'a client certificate turns TLS on');
  assert.ok(!JSON.stringify(config).includes('PRIVATE KEY'), 'the key is never shown');

  const deps = createWorkerDependencies(config);
  const workerConnection = await connectWorker(config);
  const workers = await createWorkers({
    connection: workerConnection,
    deps,
    workflowBundle: workflowBundle(),
    taskQueue: base,
  });
  const running = runWorkers(workers);
  const connection = await connectClient(config);
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const probeId = uniqueName('probe');
    const result = await client.workflow.execute(lakeProbeWorkflow, {
      taskQueue: taskQueues(base).daily,
      workflowId: `lake-probe/${probeId}`,
      args: [probeId],
    });
    assert.equal(result.key, `_system/probes/${probeId}.json`);
    assert.ok(
      proxy.acceptedClients.length >= 2 && proxy.acceptedClients.every((cn) => cn === 'client'),
      'both connections went through the proxy with the client certificate',
    );
  } finally {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await running;
    await workerConnection.close();
    await connection.close();
    deps.s3.destroy();
  }
});

test('without a certificate of the CA, or without TLS, the secured server refuses the connection', async () => {
  const tls = {
    TEMPORAL_ADDRESS: proxy.address,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: files.caCert,
    TEMPORAL_TLS_SERVER_NAME: TLS_SERVER_NAME,
  };
  const attempts = {
    'no client certificate': loadConfig({ ...tls, TEMPORAL_TLS: 'true' }),
    'a certificate of another CA': loadConfig({
      ...tls,
      TEMPORAL_TLS_CLIENT_CERT_PATH: files.strangerCert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: files.strangerKey,
    }),
  };
  for (const [what, config] of Object.entries(attempts)) {
    const before = proxy.acceptedClients.length;
    await assert.rejects(async () => {
      const c = await connectClient({ ...config, temporal: { ...config.temporal } });
      try {
        await c.workflowService.getSystemInfo({});
      } finally {
        await c.close();
      }
    }, `${what}: refused`);
    assert.equal(proxy.acceptedClients.length, before, `${what}: never accepted`);
  }
});

test('a profile of the Temporal client config file (TOML) supplies address, namespace and mTLS; the environment overrides it', () => {
  const toml = path.join(files.dir, 'temporal.toml');
  writeFileSync(
    toml,
    `[profile.cloud]
address = "acme.a1b2c.tmprl.cloud:7233"
namespace = "acme.a1b2c"
[profile.cloud.tls]
client_cert_path = "${files.clientCert}"
client_key_path = "${files.clientKey}"
`,
  );
  const fromProfile = loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'cloud' });
  assert.equal(fromProfile.temporal.address, 'acme.a1b2c.tmprl.cloud:7233');
  assert.equal(fromProfile.temporal.namespace, 'acme.a1b2c');
  assert.equal(fromProfile.temporal.tls, true);
  assert.match(fromProfile.temporal.clientKey!.reveal(), /PRIVATE KEY/);
  assert.equal(String(fromProfile.temporal.clientKey), '[redacted]');
  const overridden = loadConfig({
    TEMPORAL_CONFIG_FILE: toml,
    TEMPORAL_PROFILE: 'cloud',
    TEMPORAL_NAMESPACE: 'other-ns',
  });
  assert.equal(overridden.temporal.namespace, 'other-ns');
  // No profile asked for: no file read, the embedded dev server as before.
  const local = loadConfig({});
  assert.equal(local.temporal.address, undefined);
  assert.equal(local.temporal.tls, false);
  assert.throws(() => loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'missing' }), /TEMPORAL_PROFILE/);
  assert.throws(
    () => loadConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: files.clientCert }),
    /set both \(the mTLS certificate and its key\) or neither/,
  );
  // An API key turns TLS on (Temporal Cloud), and is never shown.
  const apiKey = loadConfig({
    TEMPORAL_ADDRESS: 'acme.a1b2c.tmprl.cloud:7233',
    TEMPORAL_API_KEY: 'secret-api-key-value',
  });
  assert.equal(apiKey.temporal.tls, true);
  assert.ok(!JSON.stringify(apiKey).includes('secret-api-key-value'));
});
