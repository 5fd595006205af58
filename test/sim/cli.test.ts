import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { PROJECT_ROOT } from '../../src/paths';

const dataDir = mkdtempSync(path.join(tmpdir(), 'gcaudit-sim-cli-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs `gcaudit sim`, waits for its banner, runs `check`, then stops it with Ctrl-C. */
async function withSim(check: (out: string) => Promise<void>, extraArgs: string[] = []): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/client/cli.ts', 'sim', '--port', '0', '--events-per-day', '50', ...extraArgs],
    {
      cwd: PROJECT_ROOT,
      // Without NODE_TEST_CONTEXT: otherwise the child node takes itself for a test subprocess.
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, GCAUDIT_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 30_000;
    while (!out.includes('Press Ctrl-C to stop.') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(out.includes('Press Ctrl-C to stop.'), `the banner: ${out}`);
    await check(out);
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await exited, 0);
  assert.match(out, /gcaudit sim: stopped\./);
  return out;
}

const field = (out: string, name: string) => new RegExp(`export ${name}=(\\S+)`).exec(out)![1];

test('gcaudit sim prints its base URL, login URL and credentials; they work; the secret is kept (0600) and reused', async () => {
  const first = await withSim(async (out) => {
    const base = field(out, 'GENESYS_API_BASE');
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(field(out, 'GENESYS_LOGIN_BASE'), base);
    const res = await fetch(`${field(out, 'GENESYS_LOGIN_BASE')}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${field(out, 'GENESYS_CLIENT_ID')}:${field(out, 'GENESYS_CLIENT_SECRET')}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    assert.equal(res.status, 200, 'the printed credentials log in');
    const { access_token } = (await res.json()) as { access_token: string };
    const mapping = await fetch(`${base}/api/v2/audits/query/servicemapping`, {
      headers: { Authorization: `Bearer ${access_token}` },
    });
    assert.equal(mapping.status, 200);
  });
  const file = path.join(dataDir, 'local-credentials.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const second = await withSim(() => Promise.resolve());
  assert.equal(
    field(second, 'GENESYS_CLIENT_SECRET'),
    field(first, 'GENESYS_CLIENT_SECRET'),
    'the same secret on the next run',
  );
});

test('gcaudit sim --client-roles admin gives the sandbox client the admin role; a bad value is refused', async () => {
  await withSim(
    async (out) => {
      const base = field(out, 'GENESYS_API_BASE');
      const res = await fetch(`${base}/oauth/token`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${field(out, 'GENESYS_CLIENT_ID')}:${field(out, 'GENESYS_CLIENT_SECRET')}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      const { access_token } = (await res.json()) as { access_token: string };
      const me = await fetch(`${base}/api/v2/authorization/subjects/me`, {
        headers: { Authorization: `Bearer ${access_token}` },
      });
      assert.match(await me.text(), /"\*:\*:\*"|"admin"/, 'the client holds the admin role');
    },
    ['--client-roles', 'admin'],
  );

  const bad = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/client/cli.ts', 'sim', '--port', '0', '--client-roles', 'root'],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, GCAUDIT_DATA_DIR: dataDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  try {
    let stderr = '';
    bad.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const code = await Promise.race([
      new Promise<number | null>((resolve) => bad.once('exit', (c) => resolve(c))),
      new Promise<string>((resolve) => setTimeout(() => resolve('still running after 30 s'), 30_000).unref()),
    ]);
    assert.equal(code, 2);
    // commander's choices(): the value and the allowed ones are named.
    assert.match(
      stderr,
      /--client-roles[^\n]*'root' is invalid\. Allowed choices are least-privilege, access-reviewer, admin/,
    );
  } finally {
    // A simulator that started despite the bad flag must not outlive the test.
    if (bad.exitCode === null && bad.signalCode === null) bad.kill('SIGINT');
  }
});
