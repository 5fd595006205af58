import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../errors';
import { TOOLS_BIN } from '../paths';

export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves when the process has exited; SIGTERM first, SIGKILL after the grace period. */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/** Path of a tool installed by scripts/setup.sh, with a clear error when it is missing. */
export function toolPath(tool: 'temporal' | 'minio' | 'temporal-test-server'): string {
  const p = path.join(TOOLS_BIN, tool);
  if (!existsSync(p)) {
    throw new ConfigError(`${tool} is not installed at ${p}: run "npm run setup" (scripts/setup.sh) first`);
  }
  return p;
}

/** Starts a long-running server with its output in a log file, so the terminal stays readable. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  opts: { logDir: string; env?: NodeJS.ProcessEnv },
): ManagedProcess {
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = path.join(opts.logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(command, args, {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  if (child.pid === undefined) throw new ConfigError(`could not start ${name} (${command})`);
  return {
    name,
    pid: child.pid,
    logFile,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
}

/** Polls `probe` until it resolves true, failing with the process log's location on timeout or exit. */
export async function waitUntilReady(
  proc: ManagedProcess,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${proc.name} exited during start-up; see ${proc.logFile}`);
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${proc.name} was not ready after ${timeoutMs / 1000}s; see ${proc.logFile}`);
}
