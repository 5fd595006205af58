import { createHash, createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { Secret } from '../config/secret';
import { ConfigError } from '../errors';

export interface ManifestSigner {
  keyId: string;
  publicKeyPem: string;
  sign(data: Uint8Array): string;
}

/** Key id: the first 16 hex digits of the SHA-256 of the public key (SPKI DER). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** Ed25519 signer for manifests, like CloudTrail's digest signatures (there: RSA). */
export function createSigner(privateKeyPem: Secret): ManifestSigner {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem.reveal());
  } catch {
    throw new ConfigError(
      'MANIFEST_SIGNING_KEY: expected an Ed25519 private key in PEM (PKCS#8); it could not be read',
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(`MANIFEST_SIGNING_KEY: expected an Ed25519 key, got ${privateKey.asymmetricKeyType}`);
  }
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (data) => sign(null, data, privateKey).toString('base64'),
  };
}

export function verifySignature(publicKeyPem: string, data: Uint8Array, signatureB64: string): boolean {
  try {
    return verify(null, data, createPublicKey(publicKeyPem), Buffer.from(signatureB64, 'base64'));
  } catch {
    return false;
  }
}
