/**
 * Test runner: starts one real Temporal dev server and one real MinIO for the whole run (unless
 * TEMPORAL_ADDRESS / S3_ENDPOINT point at existing ones), builds the workflow bundle once, runs
 * every test file with node's test runner, then stops what it started.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths';
import { freePort } from '../../src/stack/free-port';
import { ensureLocalCredentials } from '../../src/stack/local-credentials';
import { startMinio } from '../../src/stack/minio';
import { ManagedProcess } from '../../src/stack/process';
import { startTemporalDevServer } from '../../src/stack/temporal-dev-server';
import { buildWorkflowBundle } from '../../src/worker/workflow-bundle';

function testFiles(args: string[]): string[] {
  if (args.length > 0) return args;
  const dir = path.join(PROJECT_ROOT, 'test');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => path.join('test', f));
}

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), 'gcaudit-test-'));
  const logDir = path.join(work, 'logs');
  const started: ManagedProcess[] = [];
  const env: Record<string, string> = {
    GCAUDIT_DATA_DIR: path.join(work, 'data'),
    // Keys of this run only: tests mask and sign like production.
    MASK_HMAC_KEY: randomBytes(32).toString('base64url'),
    MANIFEST_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  let code = 1;
  try {
    const t0 = Date.now();
    const bundling = buildWorkflowBundle();
    if (!process.env.TEMPORAL_ADDRESS) {
      const server = await startTemporalDevServer({ logDir, port: await freePort() });
      started.push(server.process);
      env.TEMPORAL_ADDRESS = server.address;
    }
    if (!process.env.S3_ENDPOINT) {
      const credentials = ensureLocalCredentials(path.join(work, 'minio-credentials'));
      const minio = await startMinio({
        dataDir: path.join(work, 'minio'),
        logDir,
        port: await freePort(),
        consolePort: await freePort(),
        credentials,
      });
      started.push(minio.process);
      Object.assign(env, {
        S3_ENDPOINT: minio.endpoint,
        S3_ACCESS_KEY_ID: credentials.minioUser,
        S3_SECRET_ACCESS_KEY: credentials.minioPassword.reveal(),
      });
    }
    const bundlePath = path.join(work, 'workflow-bundle.js');
    writeFileSync(bundlePath, await bundling);
    env.TEST_WORKFLOW_BUNDLE = bundlePath;
    console.log(`harness: servers and bundle ready in ${((Date.now() - t0) / 1000).toFixed(1)}s (logs in ${logDir})`);

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-reporter=spec',
        '--test-concurrency=2',
        ...testFiles(process.argv.slice(2)),
      ],
      { cwd: PROJECT_ROOT, stdio: 'inherit', env: { ...process.env, ...env } },
    );
    code = await new Promise<number>((resolve) => child.once('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))));
  } finally {
    for (const p of started.reverse()) await p.stop();
    if (code === 0) rmSync(work, { recursive: true, force: true });
  }
  process.exit(code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
