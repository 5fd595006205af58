import { GcauditError } from '../errors';

/** Exit codes of gcaudit, stable for scripts. */
export const EXIT = { ok: 0, failure: 1, usage: 2, findings: 3 } as const;

/** Prints an error for a person (no stack for expected errors) and exits with a meaningful code. */
export function fatal(err: unknown): never {
  if (err instanceof GcauditError) {
    process.stderr.write(`gcaudit: ${err.message}\n`);
    process.exit(err.type === 'ConfigError' ? EXIT.usage : EXIT.failure);
  }
  process.stderr.write(`gcaudit: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(EXIT.failure);
}
