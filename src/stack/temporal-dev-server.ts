import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../temporal/search-attributes';
import { ManagedProcess, startProcess, toolPath, waitUntilReady } from './process';

export interface DevServerOptions {
  /** Folder of the SQLite state; omitted: in-memory (state is lost at exit). */
  dataDir?: string;
  logDir: string;
  port: number;
  /** Omitted: no Web UI (tests). */
  uiPort?: number;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ManagedProcess;
}

/** Starts `temporal server start-dev` on 127.0.0.1 with our search attributes registered. */
export async function startTemporalDevServer(opts: DevServerOptions): Promise<DevServer> {
  const address = `127.0.0.1:${opts.port}`;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--log-level', 'warn'];
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    args.push('--db-filename', path.join(opts.dataDir, 'temporal.db'));
  }
  if (opts.uiPort) args.push('--ui-ip', '127.0.0.1', '--ui-port', String(opts.uiPort), '--ui-disable-news-fetch');
  else args.push('--headless');
  for (const sa of SEARCH_ATTRIBUTES)
    args.push('--search-attribute', `${sa.name}=${sa.type === 'KEYWORD' ? 'Keyword' : sa.type}`);
  // One partition per task queue: the API budgets are task-queue rate limits, and the server
  // splits a queue's limit across its partitions, so with the default four a queue with few
  // outstanding tasks gets well under its budget. Our queues are low-throughput by design.
  for (const key of ['matching.numTaskqueueReadPartitions', 'matching.numTaskqueueWritePartitions']) {
    args.push('--dynamic-config-value', `${key}=1`);
  }

  const proc = startProcess('temporal', toolPath('temporal'), args, { logDir: opts.logDir });
  await waitUntilReady(proc, () => isTemporalReachable(address));
  return { address, uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined, process: proc };
}

export async function isTemporalReachable(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1000 });
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close();
  }
}
