/**
 * moto's standalone server (PyPI moto[server], installed by scripts/setup.sh into .tools/venv): a
 * real server of the AWS protocols, here for Secrets Manager. Started by the tests that need it,
 * on a free loopback port, and stopped by them.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths';
import { freePort } from '../../src/stack/free-port';
import { ManagedProcess, startProcess, waitUntilReady } from '../../src/stack/process';

export interface MotoServer {
  endpoint: string;
  process: ManagedProcess;
  /** Credentials and region moto accepts (any), for clients and child processes. */
  env: Record<string, string>;
}

export async function startMoto(logDir: string): Promise<MotoServer> {
  const bin = path.join(PROJECT_ROOT, '.tools', 'venv', 'bin', 'moto_server');
  if (!existsSync(bin))
    throw new Error(`moto_server is not installed at ${bin}: run "npm run setup" (scripts/setup.sh)`);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const proc = startProcess('moto', bin, ['-H', '127.0.0.1', '-p', String(port)], { logDir });
  await waitUntilReady(
    proc,
    async () => (await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) })).ok,
    120_000,
  );
  return {
    endpoint,
    process: proc,
    env: {
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    },
  };
}
