import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../src/paths';

const CONFIG = '.dependency-cruiser.cjs';

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** Runs the project's import rules (as `npm run lint` does) over a copy of src/ with `plant` applied. */
async function violationsWith(plant: Record<string, string>): Promise<Violation[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gcaudit-layers-'));
  try {
    cpSync(path.join(PROJECT_ROOT, 'src'), path.join(dir, 'src'), { recursive: true });
    for (const file of [CONFIG, 'tsconfig.json']) cpSync(path.join(PROJECT_ROOT, file), path.join(dir, file));
    symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    for (const [file, code] of Object.entries(plant)) writeFileSync(path.join(dir, file), code);
    const bin = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'depcruise');
    // Exit code 1 = violations found; the JSON report is on stdout either way.
    const stdout = await promisify(execFile)(bin, ['src', '--config', CONFIG, '--output-type', 'json'], {
      cwd: dir,
      maxBuffer: 64 << 20,
    })
      .then((r) => r.stdout)
      .catch((err: { stdout?: string }) => err.stdout ?? '');
    return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('npm run lint runs the import rules', () => {
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  assert.match(pkg.scripts.lint, new RegExp(`depcruise src --config ${CONFIG.replace('.', '\\.')}`));
});

test('the import rules refuse an upward import and a cycle, and nothing else in src/', async () => {
  const violations = await violationsWith({
    // lake (a domain module) reaching up into activities
    'src/lake/planted-upward.ts':
      "import type { Activities } from '../activities';\nexport type Planted = Activities;\n",
    // two model files importing each other
    'src/model/planted-a.ts': "import { b } from './planted-b';\nexport const a = () => b();\n",
    'src/model/planted-b.ts': "import { a } from './planted-a';\nexport const b = (): number => (a ? 1 : 0);\n",
  });
  const found = violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
  assert.deepEqual(found, [
    'layer-lake: src/lake/planted-upward.ts -> src/activities/index.ts',
    'no-circular: src/model/planted-a.ts -> src/model/planted-b.ts',
  ]);
});
