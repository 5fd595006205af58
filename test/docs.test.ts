/**
 * The architecture lives in the repo: docs/ARCHITECTURE.md exists and the README links it, and no
 * tracked file links outside the repository (../shared) or cites a design document other than it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../src/paths';

const tracked = () =>
  execFileSync('git', ['ls-files', '-z'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
    .split('\0')
    // This file names what it looks for.
    .filter(
      (f) =>
        f && f !== 'test/docs.test.ts' && !f.endsWith('package-lock.json') && existsSync(path.join(PROJECT_ROOT, f)),
    );

test('the README links docs/ARCHITECTURE.md, which names every workflow and top-level src/ folder', () => {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  assert.match(readme, /\]\(docs\/ARCHITECTURE\.md\)/);
  const doc = readFileSync(path.join(PROJECT_ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
  const workflows = readFileSync(path.join(PROJECT_ROOT, 'src/workflows/index.ts'), 'utf8');
  for (const [, file] of workflows.matchAll(/from '\.\/([\w-]+)'/g))
    assert.ok(doc.includes(`\`${file}`), `workflow ${file} is described`);
  const folders = execFileSync('git', ['ls-files', 'src'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
    .split('\n')
    .map((f) => f.split('/')[1])
    .filter((f) => f && !f.endsWith('.ts'));
  for (const folder of new Set(folders))
    assert.ok(doc.includes(`src/${folder}/`), `src/${folder}/ has a place in the table`);
});

test('no tracked file links to ../shared or cites another design document', () => {
  const offending: string[] = [];
  for (const file of tracked()) {
    const text = readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
    if (/\.\.\/shared\b/.test(text)) offending.push(`${file}: ../shared`);
    if (/\bDESIGN\.md\b/.test(text)) offending.push(`${file}: DESIGN.md (cite docs/ARCHITECTURE.md)`);
  }
  assert.deepEqual(offending, []);
});
