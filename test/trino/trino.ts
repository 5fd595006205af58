/**
 * Trino's own code for the tests: test/trino/src/TrinoRunner.java (built by scripts/setup.sh into
 * .tools/trino) runs statements through io.trino's SqlParser and, for "execute" steps, a Trino
 * engine with the memory connector. One JVM per call: send every statement at once.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths';

export interface TrinoStep {
  id: string;
  sql: string;
  /** parse: SqlParser only; execute: parse, then run on the engine. */
  run: 'parse' | 'execute';
}

export interface TrinoResult {
  id: string;
  ok: boolean;
  /** Time the step took in Trino's JVM (the first execute step includes the engine's start). */
  ms: number;
  /** Class of the parsed statement (Query, CreateView, Insert, ...). */
  statement?: string;
  error?: string;
  columns?: string[];
  types?: string[];
  rows?: Array<Array<string | null>>;
}

export const TRINO_RUNNER = path.join(PROJECT_ROOT, '.tools', 'trino', 'run');

export async function runOnTrino(schema: string, steps: readonly TrinoStep[]): Promise<Map<string, TrinoResult>> {
  if (!existsSync(TRINO_RUNNER))
    throw new Error(`Trino's runner is not installed at ${TRINO_RUNNER}: run "npm run setup" (scripts/setup.sh) first`);
  const ids = new Set<string>();
  for (const s of steps) {
    if (ids.has(s.id)) throw new Error(`duplicate Trino step id ${s.id}`);
    ids.add(s.id);
  }
  const child = spawn(TRINO_RUNNER, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(JSON.stringify({ schema, steps }));
  const code = await exited;
  const text = Buffer.concat(out).toString('utf8').trim();
  if (code !== 0 || text === '') {
    const tail = Buffer.concat(err).toString('utf8').split('\n').slice(-40).join('\n');
    throw new Error(`Trino's runner exited with ${code}:\n${tail}`);
  }
  const results = JSON.parse(text) as TrinoResult[];
  return new Map(results.map((r) => [r.id, r]));
}
