import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Secret } from '../config/secret';

export interface LocalCredentials {
  minioUser: string;
  minioPassword: Secret;
  /** MinIO's built-in KMS key (`name:base64`), which SSE-S3 needs; losing it loses the data. */
  minioKmsKey: Secret;
}

const FILE = 'local-credentials.json';

/**
 * Credentials of the embedded MinIO: generated once per data dir and kept there (mode 0600),
 * so no fixed password ships with the project and a restart finds its encrypted data again.
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
    };
    writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' });
  }
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  return {
    minioUser: raw.minioUser,
    minioPassword: new Secret(raw.minioPassword),
    minioKmsKey: new Secret(raw.minioKmsKey),
  };
}
