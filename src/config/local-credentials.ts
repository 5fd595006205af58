import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Secret } from './secret';

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

/** The file in the data dir that holds them (written by the local stack, stack/local-credentials.ts). */
export const localCredentialsFile = (dataDir: string) => path.join(dataDir, 'local-credentials.json');

/**
 * The local stack's secrets, or undefined when the data dir has none yet. Reading never creates
 * them: only starting the local stack does (a reader that created keys would leave secrets that no
 * running MinIO knows).
 */
export function readLocalCredentials(dataDir: string): LocalCredentials | undefined {
  let text: string;
  try {
    text = readFileSync(localCredentialsFile(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const raw = JSON.parse(text) as Record<string, string>;
  return {
    minioUser: raw.minioUser,
    minioPassword: new Secret(raw.minioPassword),
    minioKmsKey: new Secret(raw.minioKmsKey),
    maskHmacKey: new Secret(raw.maskHmacKey),
    manifestSigningKey: new Secret(raw.manifestSigningKey),
    sandboxClientSecret: new Secret(raw.sandboxClientSecret),
  };
}
