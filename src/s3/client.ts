import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { ConfigError } from '../errors';
import { readLocalCredentials } from '../config/local-credentials';

/** Where the lake's S3 lives for this config: an explicit endpoint, AWS, or the embedded MinIO. */
export function resolveS3Endpoint(config: Config): string | undefined {
  if (config.s3.endpoint) return config.s3.endpoint;
  if (config.s3.useAws) return undefined;
  return `http://127.0.0.1:${config.local.minioPort}`;
}

export function createS3Client(config: Config): S3Client {
  const endpoint = resolveS3Endpoint(config);
  let credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  if (config.s3.accessKeyId && config.s3.secretAccessKey) {
    credentials = { accessKeyId: config.s3.accessKeyId, secretAccessKey: config.s3.secretAccessKey.reveal() };
  } else if (!config.s3.endpoint && !config.s3.useAws) {
    const local = readLocalCredentials(config.dataDir);
    if (!local) {
      throw new ConfigError(
        `S3_ENDPOINT is not set and the embedded MinIO has no credentials in ${config.dataDir}: start the local stack with "gcaudit up", or set S3_ENDPOINT (or S3_USE_AWS=true)`,
      );
    }
    credentials = { accessKeyId: local.minioUser, secretAccessKey: local.minioPassword.reveal() };
  }
  return new S3Client({
    region: config.s3.region,
    endpoint,
    forcePathStyle: config.s3.forcePathStyle,
    credentials,
    // Only compute checksums where the call asks for them; MinIO and S3 both verify SHA-256.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
