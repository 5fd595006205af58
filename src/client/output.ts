import { GcauditError } from '../errors';
import { networkErrorCode } from './unreachable';

/** Exit codes of gcaudit, stable for scripts. */
export const EXIT = { ok: 0, failure: 1, usage: 2, findings: 3 } as const;

/** `--debug` anywhere on the command line (or GCAUDIT_DEBUG=1): errors show their stack trace. */
export const debugRequested = (argv = process.argv, env = process.env) =>
  argv.includes('--debug') || env.GCAUDIT_DEBUG === '1';

/**
 * Prints an error for a person and exits with a meaningful code: one line naming the cause,
 * ConfigError as a usage error (2), anything else as a failure (1). Stack traces only with --debug.
 */
export function fatal(err: unknown): never {
  const debug = debugRequested();
  const usage = err instanceof GcauditError && err.type === 'ConfigError';
  process.stderr.write(`gcaudit: ${describeError(err)}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n${causeStacks(err)}`);
  else if (!(err instanceof GcauditError)) process.stderr.write('(run again with --debug for the stack trace)\n');
  process.exit(usage ? EXIT.usage : EXIT.failure);
}

function describeError(err: unknown): string {
  if (err instanceof GcauditError) return err.message;
  const code = networkErrorCode(err);
  if (code) {
    const where = (err as { address?: string; port?: number }).address;
    const port = (err as { port?: number }).port;
    return `cannot connect${where ? ` to ${where}${port ? `:${port}` : ''}` : ''} (${code}): is the local stack running? npm start`;
  }
  return err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
}

function causeStacks(err: Error): string {
  let out = '';
  for (let c = err.cause, depth = 0; c instanceof Error && depth < 8; c = c.cause, depth++)
    out += `caused by: ${c.stack ?? c.message}\n`;
  return out;
}
