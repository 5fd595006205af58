import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { PROJECT_ROOT } from '../src/paths';
import { workflowBundle } from './harness/env';

// Replays recorded histories (test/fixtures/histories, made by test/record-histories.ts) against
// the current workflow code: a change that breaks determinism fails here, before it reaches a
// running workflow.

const DIR = path.join(PROJECT_ROOT, 'test', 'fixtures', 'histories');

test('recorded workflow histories replay without nondeterminism', async () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 3, 'histories of collect-day, backfill and the daily run are recorded');
  const histories = files.map((f) => ({
    workflowId: f.replace(/\.json$/, ''),
    history: JSON.parse(readFileSync(path.join(DIR, f), 'utf8')),
  }));
  const results = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: workflowBundle() }, histories))
    results.push(result);
  assert.equal(results.length, files.length);
  for (const r of results) assert.equal(r.error, undefined, `${r.workflowId}: ${r.error?.message}`);
});
