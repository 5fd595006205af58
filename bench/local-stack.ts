/**
 * The real servers a benchmark runs against, in a work directory of their own: a Temporal dev
 * server and a MinIO with the lake bucket, and the gcaudit settings that point at them (with
 * masking and signing keys of this run only). Each benchmark adds its own settings.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../src/config/config';
import { createS3Client } from '../src/s3/client';
import { ensureLakeBucket } from '../src/s3/lake-bucket';
import { freePort } from '../src/stack/free-port';
import { ensureLocalCredentials } from '../src/stack/local-credentials';
import { startMinio } from '../src/stack/minio';
import { ManagedProcess } from '../src/stack/process';
import { startTemporalDevServer } from '../src/stack/temporal-dev-server';

export const BENCH_BUCKET = 'bench-lake';

export interface BenchStack {
  temporalAddress: string;
  env: Record<string, string>;
  s3: S3Client;
  /** Stops the servers and removes the work directory. */
  stop(): Promise<void>;
}

export async function startBenchStack(org: string): Promise<BenchStack> {
  const work = mkdtempSync(path.join(tmpdir(), 'gcaudit-bench-'));
  const started: ManagedProcess[] = [];
  const stop = async () => {
    for (const p of started.reverse()) await p.stop();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const temporal = await startTemporalDevServer({ logDir: path.join(work, 'logs'), port: await freePort() });
    started.push(temporal.process);
    const credentials = ensureLocalCredentials(path.join(work, 'creds'));
    const minio = await startMinio({
      dataDir: path.join(work, 'minio'),
      logDir: path.join(work, 'logs'),
      port: await freePort(),
      consolePort: await freePort(),
      credentials,
    });
    started.push(minio.process);
    const env: Record<string, string> = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: 'bench',
      S3_ENDPOINT: minio.endpoint,
      S3_ACCESS_KEY_ID: credentials.minioUser,
      S3_SECRET_ACCESS_KEY: credentials.minioPassword.reveal(),
      S3_BUCKET: BENCH_BUCKET,
      GCAUDIT_ORG: org,
      GCAUDIT_DATA_DIR: path.join(work, 'data'),
      LAKE_RETENTION_DAYS: '1',
      MASK_HMAC_KEY: randomBytes(32).toString('base64url'),
      MANIFEST_SIGNING_KEY: generateKeyPairSync('ed25519')
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
    };
    const s3 = createS3Client(loadConfig(env));
    await ensureLakeBucket(s3, BENCH_BUCKET);
    return { temporalAddress: temporal.address, env, s3, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
