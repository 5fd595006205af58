/** CI fails when setup or the tests change the work tree: scripts/check-clean-tree.sh on a real git repository. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../src/paths';

test('.ci/run checks the tree after the tests', () => {
  const run = readFileSync(path.join(PROJECT_ROOT, '.ci/run'), 'utf8');
  const lines = run.split('\n').filter((l) => l && !l.startsWith('#'));
  assert.ok(lines.indexOf('bash scripts/check-clean-tree.sh') > lines.indexOf('npm test'), run);
});

test('a changed tracked file or a new untracked one fails the check, naming it', (t) => {
  const repo = mkdtempSync(path.join(tmpdir(), 'gcaudit-clean-tree-'));
  t.after(() => rmSync(repo, { recursive: true, force: true }));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@127.0.0.1', ...args], { cwd: repo });
  const check = () =>
    spawnSync('bash', [path.join(PROJECT_ROOT, 'scripts/check-clean-tree.sh'), repo], { encoding: 'utf8' });
  git('init', '-q');
  copyFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), path.join(repo, 'package-lock.json'));
  writeFileSync(path.join(repo, '.gitignore'), 'node_modules/\n');
  git('add', '.');
  git('commit', '-qm', 'init');

  mkdirSync(path.join(repo, 'node_modules'));
  writeFileSync(path.join(repo, 'node_modules', 'x.js'), ''); // what .gitignore covers is fine
  assert.equal(check().status, 0);

  writeFileSync(path.join(repo, 'package-lock.json'), '{}\n');
  let result = check();
  assert.equal(result.status, 1);
  assert.match(result.stderr, /M package-lock\.json/);
  git('checkout', '-q', 'package-lock.json');

  writeFileSync(path.join(repo, 'stray.json'), '{}\n');
  result = check();
  assert.equal(result.status, 1);
  assert.match(result.stderr, /\?\? stray\.json/);
});
