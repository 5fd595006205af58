import { readLocalCredentials } from './local-credentials';
import { Config } from './config';

/** True when the lake is the embedded MinIO (no S3_ENDPOINT, no S3_USE_AWS): a local run. */
export function usesEmbeddedS3(config: Config): boolean {
  return !config.s3.endpoint && !config.s3.useAws;
}

/**
 * On a local run, the masking and signing keys not set explicitly come from the data dir's
 * generated secrets; anywhere else they must be configured (the worker refuses to start).
 */
export function withLocalSecrets(config: Config): Config {
  if (!usesEmbeddedS3(config) || (config.mask.hmacKey && config.manifest.signingKey)) return config;
  const local = readLocalCredentials(config.dataDir);
  if (!local) return config;
  return {
    ...config,
    mask: { ...config.mask, hmacKey: config.mask.hmacKey ?? local.maskHmacKey },
    manifest: { signingKey: config.manifest.signingKey ?? local.manifestSigningKey },
  };
}
