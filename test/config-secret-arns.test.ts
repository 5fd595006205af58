/**
 * Secrets given as <NAME>_SECRET_ARN, read from a real server of the Secrets Manager protocol
 * (moto's standalone server) by the SDK: fetched once at start and cached, never shown, and a
 * clear error naming the variable when a secret cannot be read.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { after, before, test } from 'node:test';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from '../src/config/config';
import { fetchSecretArns } from '../src/config/secret-arns';
import { ConfigError } from '../src/errors';
import { gcaudit } from './harness/gcaudit';
import { MotoServer, startMoto } from './harness/moto';

let moto: MotoServer;
let sm: SecretsManagerClient;
let calls = 0;
const clientSecret = `genesys-${randomBytes(12).toString('hex')}`;
const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const arns: Record<string, string> = {};

before(async () => {
  moto = await startMoto(mkdtempSync(path.join(tmpdir(), 'gcaudit-moto-')));
  sm = new SecretsManagerClient({
    region: 'eu-west-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  sm.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetSecretValueCommand') calls++;
      return next(args);
    },
    { step: 'initialize' },
  );
  for (const [name, value] of [
    ['genesys-client-secret', clientSecret],
    ['manifest-signing-key', signingKey],
  ]) {
    arns[name] = (await sm.send(new CreateSecretCommand({ Name: `gcaudit/${name}`, SecretString: value }))).ARN!;
  }
});

after(async () => {
  sm?.destroy();
  await moto?.process.stop();
});

test('a secret setting given as <NAME>_SECRET_ARN is read from Secrets Manager once, then served from the cache', async () => {
  const env = {
    GENESYS_CLIENT_ID: 'client',
    GENESYS_CLIENT_SECRET_SECRET_ARN: arns['genesys-client-secret'],
    MANIFEST_SIGNING_KEY_SECRET_ARN: arns['manifest-signing-key'],
  };
  await fetchSecretArns(env, sm);
  assert.equal(calls, 2, 'one GetSecretValue per secret');
  const config = loadConfig(env);
  assert.equal(config.genesys.clientSecret!.reveal(), clientSecret);
  assert.equal(config.manifest.signingKey!.reveal(), signingKey.trim());
  // Never shown: not by String(), JSON or inspect of the whole config.
  for (const shown of [String(config.genesys.clientSecret), JSON.stringify(config), inspect(config, { depth: 10 })]) {
    assert.ok(!shown.includes(clientSecret) && !shown.includes('PRIVATE KEY'));
  }

  // A later change in Secrets Manager is not seen by this process: fetched once at start.
  await sm.send(new PutSecretValueCommand({ SecretId: arns['genesys-client-secret'], SecretString: 'rotated-value' }));
  await fetchSecretArns(env, sm);
  assert.equal(calls, 2, 'no second fetch');
  assert.equal(loadConfig(env).genesys.clientSecret!.reveal(), clientSecret);
});

test('a secret that cannot be read is a clear error naming the variable, and nothing else is loaded', async () => {
  const missing = arns['genesys-client-secret'].replace('genesys-client-secret', 'no-such-secret');
  await assert.rejects(
    fetchSecretArns({ MASK_HMAC_KEY_SECRET_ARN: missing }, sm),
    (err: Error) =>
      err instanceof ConfigError &&
      /MASK_HMAC_KEY_SECRET_ARN: cannot read the secret .*no-such-secret.* from AWS Secrets Manager \(ResourceNotFoundException\)/.test(
        err.message,
      ),
  );
  // loadConfig without the fetch names the variable too, rather than starting without the key.
  assert.throws(
    () => loadConfig({ MASK_HMAC_KEY_SECRET_ARN: missing }),
    /MASK_HMAC_KEY_SECRET_ARN: the secret .* was not fetched/,
  );
  assert.throws(
    () => loadConfig({ GENESYS_CLIENT_SECRET: 'x', GENESYS_CLIENT_SECRET_SECRET_ARN: arns['genesys-client-secret'] }),
    /GENESYS_CLIENT_SECRET and GENESYS_CLIENT_SECRET_SECRET_ARN: set one, not both/,
  );
});

test('the CLI fetches <NAME>_SECRET_ARN before any command, through the SDK’s own endpoint and credential settings', async () => {
  const base = {
    ...moto.env,
    GCAUDIT_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gcaudit-cli-')),
    GENESYS_CLIENT_ID: 'client',
    GENESYS_CLIENT_SECRET: '',
  };
  const ok = await gcaudit(
    { ...base, GENESYS_CLIENT_SECRET_SECRET_ARN: arns['genesys-client-secret'] },
    'init',
    '--dry-run',
  );
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(!ok.stdout.includes('rotated-value') && !ok.stderr.includes('rotated-value'));
  const bad = await gcaudit(
    {
      ...base,
      GENESYS_CLIENT_SECRET_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gcaudit/absent-AbCdEf',
    },
    'init',
    '--dry-run',
  );
  assert.notEqual(bad.code, 0);
  assert.match(
    bad.stderr,
    /GENESYS_CLIENT_SECRET_SECRET_ARN: cannot read the secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:gcaudit\/absent-AbCdEf from AWS Secrets Manager \(ResourceNotFoundException\)/,
  );
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
});
