import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Secret } from '../config/secret';

export interface LocalCredentials {
  minioUser: string;
  minioPassword: Secret;
  /** MinIO's built-in KMS key (`name:base64`), which SSE-S3 needs; losing it loses the data. */
  minioKmsKey: Secret;
  /** MASK_HMAC_KEY of the local stack. */
  maskHmacKey: Secret;
  /** MANIFEST_SIGNING_KEY of the local stack (Ed25519, PKCS#8 PEM). */
  manifestSigningKey: Secret;
  /** OAuth client secret of the sandbox org. */
  sandboxClientSecret: Secret;
}

const FILE = 'local-credentials.json';

/**
 * Secrets of the embedded local stack: the MinIO credentials, and the masking and signing keys: generated once per data dir and kept there (mode 0600),
 * so no fixed secret ships with the project and a restart finds its data and keys again.
 */
export function localCredentials(dataDir: string, create = true): LocalCredentials | undefined {
  const file = path.join(dataDir, FILE);
  if (!existsSync(file)) {
    if (!create) return undefined;
    mkdirSync(dataDir, { recursive: true });
    const fresh = {
      minioUser: 'gcaudit',
      minioPassword: randomBytes(18).toString('base64url'),
      minioKmsKey: `gcaudit-local:${randomBytes(32).toString('base64')}`,
      maskHmacKey: randomBytes(32).toString('base64url'),
      manifestSigningKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      sandboxClientSecret: randomBytes(24).toString('base64url'),
    };
    writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' });
  }
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  return {
    minioUser: raw.minioUser,
    minioPassword: new Secret(raw.minioPassword),
    minioKmsKey: new Secret(raw.minioKmsKey),
    maskHmacKey: new Secret(raw.maskHmacKey),
    manifestSigningKey: new Secret(raw.manifestSigningKey),
    sandboxClientSecret: new Secret(raw.sandboxClientSecret),
  };
}
