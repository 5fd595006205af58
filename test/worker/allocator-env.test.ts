import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { WORKER_ENV } from '../../src/worker/node-flags';

// The variable's name comes from how DuckDB builds its jemalloc (the DUCKDB_JE_ prefix): a DuckDB
// upgrade that changed it would leave the setting silently unread.
test("the worker's DUCKDB_JE_MALLOC_CONF reaches DuckDB's allocator", () => {
  const run = (conf: string) =>
    spawnSync(process.execPath, ['-e', "require('@duckdb/node-api')"], {
      env: { ...process.env, DUCKDB_JE_MALLOC_CONF: conf },
      encoding: 'utf8',
    });
  // stats_print makes jemalloc print the options it runs with when the process exits.
  const withWorkerEnv = run(`${WORKER_ENV.DUCKDB_JE_MALLOC_CONF},stats_print:true`);
  assert.equal(withWorkerEnv.status, 0, withWorkerEnv.stderr);
  const printed = withWorkerEnv.stdout + withWorkerEnv.stderr;
  assert.match(printed, /opt\.dirty_decay_ms: 0\b/);
  assert.match(printed, /opt\.muzzy_decay_ms: 0\b/);
  const defaults = run('stats_print:true');
  assert.doesNotMatch(defaults.stdout + defaults.stderr, /opt\.dirty_decay_ms: 0\b/);
});
