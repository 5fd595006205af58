/**
 * The lock file installs everywhere: `npm ci` refuses a lock that lacks an optional package the
 * tree names (another platform's @duckdb/node-bindings-*, @swc/core-*), so every one must have
 * its own entry (scripts/lock.sh regenerates it so), and it must match package.json.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../src/paths';

interface LockEntry {
  version?: string;
  optionalDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  engines?: Record<string, string>;
}
const lock = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as LockEntry;

/** Where node would find `name` from the package at `at`: its own node_modules, then each ancestor's. */
function resolves(at: string, name: string): boolean {
  let dir = at;
  for (;;) {
    if (lock.packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (!dir) return false;
    const nested = dir.lastIndexOf('/node_modules/');
    dir = nested >= 0 ? dir.slice(0, nested) : '';
  }
}

test('every optional package the tree names has its own lock entry', () => {
  const missing: string[] = [];
  for (const [at, entry] of Object.entries(lock.packages)) {
    for (const name of Object.keys(entry.optionalDependencies ?? {}))
      if (!resolves(at, name)) missing.push(`${name} (for ${at || 'the project'})`);
  }
  assert.deepEqual(missing, [], 'run bash scripts/lock.sh');
});

test('the native packages are locked for Linux, macOS and Windows', () => {
  for (const prefix of ['@duckdb/node-bindings-', '@swc/core-']) {
    for (const platform of ['linux-x64', 'darwin-arm64', 'darwin-x64', 'win32-x64']) {
      const locked = Object.keys(lock.packages).some((key) => key.startsWith(`node_modules/${prefix}${platform}`));
      assert.ok(locked, `${prefix}${platform} is in the lock`);
    }
  }
});

test("the lock records package.json's dependencies and engines", () => {
  const root = lock.packages[''];
  assert.deepEqual(root.dependencies, pkg.dependencies);
  assert.deepEqual(root.devDependencies, pkg.devDependencies);
  assert.deepEqual(root.engines, pkg.engines);
});
