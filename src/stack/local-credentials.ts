import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { LocalCredentials, localCredentialsFile, readLocalCredentials } from '../config/local-credentials';

export type { LocalCredentials };

/**
 * Secrets of the embedded local stack: the MinIO credentials, and the masking and signing keys: generated once per data dir and kept there (mode 0600),
 * so no fixed secret ships with the project and a restart finds its data and keys again.
 */
export function ensureLocalCredentials(dataDir: string): LocalCredentials {
  const existing = readLocalCredentials(dataDir);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const fresh = {
    minioUser: 'gcaudit',
    minioPassword: randomBytes(18).toString('base64url'),
    minioKmsKey: `gcaudit-local:${randomBytes(32).toString('base64')}`,
    maskHmacKey: randomBytes(32).toString('base64url'),
    manifestSigningKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    sandboxClientSecret: randomBytes(24).toString('base64url'),
  };
  writeFileSync(localCredentialsFile(dataDir), JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' });
  return readLocalCredentials(dataDir)!;
}
