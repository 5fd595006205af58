import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { LocalCredentials } from './local-credentials';
import { ManagedProcess, startProcess, toolPath, waitUntilReady } from './process';

export interface MinioOptions {
  dataDir: string;
  logDir: string;
  port: number;
  consolePort: number;
  credentials: LocalCredentials;
}

export interface Minio {
  endpoint: string;
  consoleUrl: string;
  process: ManagedProcess;
}

/** Starts a single-drive MinIO on 127.0.0.1 (supports versioning, Object Lock and, with its KMS key, SSE-S3). */
export async function startMinio(opts: MinioOptions): Promise<Minio> {
  mkdirSync(opts.dataDir, { recursive: true });
  const endpoint = `http://127.0.0.1:${opts.port}`;
  const proc = startProcess(
    'minio',
    toolPath('minio'),
    [
      'server',
      opts.dataDir,
      '--address',
      `127.0.0.1:${opts.port}`,
      '--console-address',
      `127.0.0.1:${opts.consolePort}`,
      '--quiet',
    ],
    {
      logDir: opts.logDir,
      env: {
        MINIO_ROOT_USER: opts.credentials.minioUser,
        MINIO_ROOT_PASSWORD: opts.credentials.minioPassword.reveal(),
        MINIO_KMS_SECRET_KEY: opts.credentials.minioKmsKey.reveal(),
        MINIO_UPDATE: 'off',
        MINIO_CALLHOME_ENABLE: 'off',
      },
    },
  );
  await waitUntilReady(proc, () => isMinioReady(endpoint));
  return { endpoint, consoleUrl: `http://127.0.0.1:${opts.consolePort}`, process: proc };
}

export async function isMinioReady(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/minio/health/ready`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

export const minioDataDir = (dataDir: string) => path.join(dataDir, 'minio');
