import * as path from 'node:path';
import { Config } from '../config/config';
import { ConfigError } from '../errors';
import { createS3Client } from '../s3/client';
import { ensureLakeBucket, LakeBucketState } from '../s3/lake-bucket';
import { temporalAddress } from '../temporal/connection';
import { ensureLocalCredentials } from './local-credentials';
import { isMinioReady, minioDataDir, startMinio } from './minio';
import { ManagedProcess } from './process';
import { isTemporalReachable, startTemporalDevServer } from './temporal-dev-server';

export interface LocalStack {
  temporal: { address: string; uiUrl?: string; embedded: boolean };
  s3: { endpoint: string; consoleUrl?: string; embedded: boolean; bucket: string; state: LakeBucketState };
  logDir: string;
  stop(): Promise<void>;
}

/**
 * Starts what the config does not point elsewhere: the Temporal dev server (state persisted in
 * the data dir, Web UI on) unless TEMPORAL_ADDRESS is set, and MinIO unless S3_ENDPOINT or
 * S3_USE_AWS is set. Then makes sure the lake bucket exists with Object Lock.
 */
export async function startLocalStack(config: Config): Promise<LocalStack> {
  const logDir = path.join(config.dataDir, 'logs');
  const started: ManagedProcess[] = [];
  const stop = async () => {
    for (const p of started.reverse()) await p.stop();
  };
  try {
    let temporal: LocalStack['temporal'];
    if (config.temporal.address) {
      temporal = { address: config.temporal.address, embedded: false };
    } else {
      const address = temporalAddress(config);
      if (await isTemporalReachable(address)) {
        throw new ConfigError(
          `a Temporal server already answers on ${address} (another "gcaudit up"?): stop it, or set TEMPORAL_ADDRESS=${address} to use it`,
        );
      }
      const server = await startTemporalDevServer({
        dataDir: path.join(config.dataDir, 'temporal'),
        logDir,
        port: config.local.temporalPort,
        uiPort: config.local.temporalUiPort,
      });
      started.push(server.process);
      temporal = { address: server.address, uiUrl: server.uiUrl, embedded: true };
    }

    let s3: Omit<LocalStack['s3'], 'state' | 'bucket'>;
    if (config.s3.endpoint || config.s3.useAws) {
      s3 = { endpoint: config.s3.endpoint ?? 'AWS S3', embedded: false };
    } else {
      const endpoint = `http://127.0.0.1:${config.local.minioPort}`;
      if (await isMinioReady(endpoint)) {
        throw new ConfigError(
          `something already answers as MinIO on ${endpoint}: stop it, or set S3_ENDPOINT to use it`,
        );
      }
      const minio = await startMinio({
        dataDir: minioDataDir(config.dataDir),
        logDir,
        port: config.local.minioPort,
        consolePort: config.local.minioConsolePort,
        credentials: ensureLocalCredentials(config.dataDir),
      });
      started.push(minio.process);
      s3 = { endpoint: minio.endpoint, consoleUrl: minio.consoleUrl, embedded: true };
    }
    const state = await ensureLakeBucket(createS3Client(config), config.s3.bucket);
    return { temporal, s3: { ...s3, bucket: config.s3.bucket, state }, logDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
