/**
 * The runtime is Node 24 everywhere: the tests themselves (npm test puts the project's Node first on
 * PATH), package.json's engines and types, the Dockerfile's images, the setup's pin, and bin/gcaudit
 * started by an older node.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT, TOOLS_BIN } from '../src/paths';

const MAJOR = 24;
const major = (version: string) => Number(/(\d+)/.exec(version)?.[1]);
const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');

test(`the tests run on Node ${MAJOR} or later`, () => {
  assert.ok(major(process.versions.node) >= MAJOR, `running on Node ${process.versions.node}`);
});

test(`engines, @types/node, the Dockerfile and the setup all name Node ${MAJOR}`, () => {
  const pkg = JSON.parse(read('package.json'));
  assert.equal(pkg.engines.node, `>=${MAJOR}`);
  assert.equal(major(pkg.devDependencies['@types/node']), MAJOR);
  const images = [...read('Dockerfile').matchAll(/^FROM node:(\S+)/gm)].map((m) => m[1]);
  assert.ok(images.length >= 2, 'a build and a runtime stage');
  for (const image of images) assert.equal(major(image), MAJOR, `FROM node:${image}`);
  const setup = read('scripts/setup.sh');
  assert.equal(Number(/^NODE_MAJOR=(\d+)/m.exec(setup)?.[1]), MAJOR);
  assert.equal(major(/^NODE_WHEEL_VERSION=(\S+)/m.exec(setup)?.[1] ?? ''), MAJOR);
});

/** A node on PATH older than MAJOR (this machine's system node), if there is one. */
function olderSystemNode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const node = path.join(dir, 'node');
    if (!dir || path.resolve(dir) === TOOLS_BIN || !existsSync(node)) continue;
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' });
    if (major(version) < MAJOR) return node;
  }
  return undefined;
}

const older = olderSystemNode();
test(
  "bin/gcaudit started by an older node runs the CLI on the project's Node",
  { skip: older ? false : `no node older than ${MAJOR} on PATH` },
  async () => {
    assert.ok(existsSync(path.join(TOOLS_BIN, 'node')), 'scripts/setup.sh installed .tools/bin/node');
    assert.ok(existsSync(path.join(PROJECT_ROOT, 'dist/src/client/cli.js')), 'npm run build first (npm test does)');
    // Every node process started with this NODE_OPTIONS records its version: the launcher's, then the CLI's.
    const dir = mkdtempSync(path.join(tmpdir(), 'gcaudit-runtime-'));
    const probe = path.join(dir, 'probe.cjs');
    const seen = path.join(dir, 'versions');
    writeFileSync(probe, `require('node:fs').appendFileSync(${JSON.stringify(seen)}, process.version + '\\n');\n`);
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(older!, [path.join(PROJECT_ROOT, 'bin/gcaudit'), '--help'], {
        env: { ...process.env, NODE_OPTIONS: `--require ${probe}` },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.once('exit', (c) => resolve({ code: c, stdout: out }));
    });
    assert.equal(code, 0);
    assert.match(stdout, /Usage: gcaudit/);
    const versions = readFileSync(seen, 'utf8').trim().split('\n');
    assert.equal(versions.length, 2, `two node processes: ${versions.join(', ')}`);
    assert.ok(major(versions[0]) < MAJOR && major(versions[1]) >= MAJOR, `launcher then CLI: ${versions.join(', ')}`);
  },
);
