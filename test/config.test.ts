import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { loadConfig } from '../src/config/config';
import { ConfigError } from '../src/errors';

const dir = mkdtempSync(path.join(tmpdir(), 'gcaudit-config-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the configuration to be refused');
}

test('defaults describe the embedded local stack', () => {
  const c = loadConfig({});
  assert.equal(c.temporal.address, undefined);
  assert.equal(c.s3.endpoint, undefined);
  assert.equal(c.s3.bucket, 'gcaudit-lake');
  assert.equal(c.lake.lockMode, 'COMPLIANCE');
  assert.equal(c.lake.retentionDays, 2557);
  assert.equal(c.s3.forcePathStyle, true);
  assert.equal(c.org, 'sandbox');
  assert.equal(c.local.temporalUiPort, 8233);
});

test('every bad value is reported at once, naming the variable and what it expects', () => {
  const err = configError({
    TEMPORAL_ADDRESS: 'not an address',
    LAKE_RETENTION_DAYS: '-3',
    LAKE_LOCK_MODE: 'compliance-ish',
    S3_BUCKET: 'Bad_Bucket',
  });
  assert.match(err.message, /TEMPORAL_ADDRESS: expected host:port of a Temporal frontend.*\(got "not an address"\)/);
  assert.match(err.message, /LAKE_RETENTION_DAYS: expected a whole number of days from 1 to 36500 \(got "-3"\)/);
  assert.match(err.message, /LAKE_LOCK_MODE: expected COMPLIANCE or GOVERNANCE/);
  assert.match(err.message, /S3_BUCKET: expected an S3 bucket name/);
  assert.equal(err.type, 'ConfigError');
  assert.equal(err.retryable, false);
});

test('pairs that go together are checked together', () => {
  assert.match(
    configError({ GENESYS_CLIENT_ID: 'abc' }).message,
    /GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET: set both or neither/,
  );
  assert.match(configError({ LAKE_SSE: 'aws:kms' }).message, /LAKE_KMS_KEY_ID: required when LAKE_SSE=aws:kms/);
  assert.match(configError({ S3_ENDPOINT: 'http://127.0.0.1:9000', S3_USE_AWS: 'true' }).message, /S3_USE_AWS/);
  assert.match(
    configError({ GENESYS_REQUESTS_PER_MINUTE: '250', BACKFILL_REQUESTS_PER_MINUTE: '100' }).message,
    /together at most GENESYS_ORG_REQUESTS_PER_MINUTE \(300\), got 250 \+ 100/,
  );
});

test('a misspelt GCAUDIT_ variable is an error, not silently ignored', () => {
  assert.match(configError({ GCAUDIT_DATADIR: '/tmp/x' }).message, /GCAUDIT_DATADIR: unknown setting/);
});

test('secrets come from a file, and never appear in errors, JSON or inspect output', () => {
  const secretValue = 'super-secret-value-123';
  const c = loadConfig({
    GENESYS_CLIENT_ID: 'client',
    GENESYS_CLIENT_SECRET_FILE: file('secret.txt', `${secretValue}\n`),
  });
  assert.equal(c.genesys.clientSecret?.reveal(), secretValue);
  assert.ok(!JSON.stringify(c).includes(secretValue));
  assert.ok(!inspect(c, { depth: 10 }).includes(secretValue));
  assert.ok(!`${c.genesys.clientSecret}`.includes(secretValue));

  // A secret that fails validation is named without its value.
  const err = configError({ MASK_HMAC_KEY: 'short-secret-xyz' });
  assert.match(err.message, /MASK_HMAC_KEY: expected a random key of at least 32 characters/);
  assert.ok(!err.message.includes('short-secret-xyz'));

  assert.match(
    configError({ GENESYS_CLIENT_SECRET: 'a', GENESYS_CLIENT_SECRET_FILE: '/x' }).message,
    /set one, not both/,
  );
  assert.match(
    configError({ GENESYS_CLIENT_ID: 'c', GENESYS_CLIENT_SECRET_FILE: path.join(dir, 'missing') }).message,
    /GENESYS_CLIENT_SECRET_FILE: cannot read the secret file .*ENOENT/,
  );
});

test('a config file (YAML or JSON) sets values; the environment wins; secrets are refused there', () => {
  const yml = file('gcaudit.yml', 'S3_BUCKET: audit-evidence\nLAKE_RETENTION_DAYS: 400\nGCAUDIT_ORG: acme\n');
  const c = loadConfig({ GCAUDIT_CONFIG_FILE: yml, GCAUDIT_ORG: 'acme-prod' });
  assert.equal(c.s3.bucket, 'audit-evidence');
  assert.equal(c.lake.retentionDays, 400);
  assert.equal(c.org, 'acme-prod');

  const json = file('gcaudit.json', JSON.stringify({ S3_BUCKETT: 'x', GENESYS_CLIENT_SECRET: 'y' }));
  const err = configError({ GCAUDIT_CONFIG_FILE: json });
  assert.match(err.message, /S3_BUCKETT \(in .*gcaudit.json\): unknown setting/);
  assert.match(err.message, /GENESYS_CLIENT_SECRET \(in .*\): secrets do not belong in the config file/);

  assert.match(
    configError({ GCAUDIT_CONFIG_FILE: file('bad.json', '{oops') }).message,
    /cannot read .*bad.json as JSON/,
  );
});
