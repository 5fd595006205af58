import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../src/config/config';
import { localCredentialsFile, readLocalCredentials } from '../src/config/local-credentials';
import { withLocalSecrets } from '../src/config/local-defaults';
import { ConfigError } from '../src/errors';
import { createS3Client } from '../src/s3/client';
import { ensureLocalCredentials } from '../src/stack/local-credentials';

test('reading the local stack secrets never creates them; only the stack does, once', (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gcaudit-creds-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig({ GCAUDIT_DATA_DIR: dataDir });

  assert.equal(readLocalCredentials(dataDir), undefined);
  assert.equal(withLocalSecrets(config).mask.hmacKey, undefined, 'no keys to fill in before the stack made them');
  assert.throws(
    () => createS3Client(config),
    (err: Error) => err instanceof ConfigError && /gcaudit up/.test(err.message),
  );
  assert.equal(existsSync(localCredentialsFile(dataDir)), false, 'reading created nothing');

  const made = ensureLocalCredentials(dataDir);
  assert.equal(statSync(localCredentialsFile(dataDir)).mode & 0o777, 0o600);
  assert.equal(
    ensureLocalCredentials(dataDir).maskHmacKey.reveal(),
    made.maskHmacKey.reveal(),
    'the second start finds the same keys',
  );
  assert.equal(withLocalSecrets(config).mask.hmacKey?.reveal(), made.maskHmacKey.reveal());
});
