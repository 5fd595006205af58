import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { freePort } from '../src/stack/free-port';
import { gcaudit as run } from './harness/gcaudit';

// The CLI as a user meets it when something is wrong: bad arguments or settings are refused
// before any connection (exit 2), and a Temporal or S3 that does not answer is one line naming
// its address and what to do (exit 1), never a stack trace unless --debug asks for one. Nothing
// listens on the ports below.

let env: Record<string, string>;
let temporalPort: number;
let s3Port: number;

before(async () => {
  temporalPort = await freePort();
  s3Port = await freePort();
  env = {
    GCAUDIT_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gcaudit-cli-errors-')),
    GCAUDIT_ORG: 'cli-errors',
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
    S3_ACCESS_KEY_ID: 'cli-errors',
    S3_SECRET_ACCESS_KEY: 'cli-errors-secret',
    S3_BUCKET: 'cli-errors',
    MASK_HMAC_KEY: 'cli-errors-hmac-key-0123456789abcdef',
  };
});

const gcaudit = (...args: string[]) => run(env, ...args);

/** Runs the cases a few at a time (each is its own process). */
async function each<T>(cases: T[], fn: (c: T) => Promise<void>, width = 4): Promise<void> {
  const queue = [...cases];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let c = queue.shift(); c !== undefined; c = queue.shift()) await fn(c);
    }),
  );
}

const noStack = (stderr: string) => !/^\s+at /m.test(stderr);

test('bad arguments and settings exit 2 with a message naming them, before any connection is tried', async () => {
  const cases: Array<[string[], RegExp, Record<string, string>?]> = [
    [
      ['backfill', '--from', '2026-13-01', '--to', 'x'],
      /--from: expected a date YYYY-MM-DD, got "2026-13-01"\n--to: expected a date YYYY-MM-DD, got "x"/,
    ],
    [
      ['backfill', '--from', '2026-11-01', '--to', '2026-11-02', '--concurrency', '0'],
      /--concurrency: expected a whole number from 1 to 64, got "0"/,
    ],
    [
      ['backfill', '--from', '2026-11-01', '--to', '2026-11-02', '--pause', '--resume'],
      /option '--pause' cannot be used with option '--resume'/,
    ],
    [['backfill', '--from', '2026-11-01'], /required option '--to <day>' not specified/],
    [
      ['schedule', 'bogus'],
      /'bogus' is invalid for argument 'action'\. Allowed choices are apply, pause, resume, status/,
    ],
    [['ingest', 'bogus'], /Allowed choices are start, status, poke/],
    [['athena', 'bogus'], /Allowed choices are ddl, apply/],
    [['verify', '--from', '2026-11-05', '--to', '2026-11-01'], /--from 2026-11-05 is after --to 2026-11-01/],
    [
      ['evidence', 'export', '--from', '2026-11-01', '--to', 'soon', '--out', tmpdir()],
      /--to: expected a date YYYY-MM-DD, got "soon"/,
    ],
    [['restore', '--from', '2026-11-01', '--to', '2026-11-01', '--then', 'export'], /--then export needs --out DIR/],
    [
      ['restore', '--from', '2026-11-01', '--to', '2026-11-01', '--then', 'bogus'],
      /Allowed choices are checks, verify, export, none/,
    ],
    [['check', 'run', '--from', 'yesterday'], /--from: expected YYYY-MM-DD or an ISO-8601 time, got "yesterday"/],
    [
      ['check', 'run', '--from', '2026-11-01', '--check', 'no_such_check'],
      /--check: unknown check no_such_check \(known: /,
    ],
    [['check', 'run', '--from', '2026-11-01', '--param', 'nonsense'], /--param: expected name=value, got "nonsense"/],
    [['check', 'run', '--from', '2026-11-01', '--engine', 'oracle'], /Allowed choices are duckdb, athena/],
    [
      ['query', 'select 1', '--from', '2026-11-31'],
      /--from: expected YYYY-MM-DD or an ISO-8601 time, got "2026-11-31"/,
    ],
    [['status'], /BACKFILL_CONCURRENCY/, { BACKFILL_CONCURRENCY: 'many' }],
    [['athena', 'ddl'], /LAKE_LOCK_MODE/, { LAKE_LOCK_MODE: 'SOMETIMES' }],
    [['access', 'snapshot', '--day', '2026-02-30'], /--day: expected a date YYYY-MM-DD, got "2026-02-30"/],
    [['access', 'snapshot', '--day', '2026-11-05', '--to', '2026-11-01'], /--day 2026-11-05 is after --to 2026-11-01/],
    [['access', 'snapshot', '--day', '2026-01-01', '--to', '2026-03-01'], /snapshot at most 31 at once/],
    [['access', 'snapshot'], /required option '--day <day>' not specified/],
    [['nonsense'], /unknown command 'nonsense'/],
  ];
  await each(cases, async ([args, message, extra]) => {
    const r = await run({ ...env, ...extra }, ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.ok(noStack(r.stderr), `${args.join(' ')}: no stack trace\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /cannot reach/, `${args.join(' ')}: refused before connecting`);
  });
});

test(
  'an unreachable Temporal is one line naming its address and what to do, exit 1',
  { timeout: 300_000 },
  async () => {
    const commands = [
      ['status'],
      ['schedule', 'status'],
      ['ingest', 'status'],
      ['backfill', '--from', '2026-11-01', '--to', '2026-11-01', '--resume'],
      ['restore', '--from', '2026-11-01', '--to', '2026-11-01'],
      ['access', 'snapshot', '--day', '2026-11-01'],
    ];
    await each(commands, async (args) => {
      const r = await gcaudit(...args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line\n${r.stderr}`);
      assert.match(
        r.stderr,
        new RegExp(
          `^gcaudit: cannot reach Temporal at 127\\.0\\.0\\.1:${temporalPort} \\(.+\\): is the local stack running\\? npm start\\n$`,
        ),
      );
    });
  },
);

test(
  'an unreachable S3 is one line naming its endpoint and what to do, exit 1; --debug adds the stack',
  { timeout: 300_000 },
  async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'gcaudit-cli-errors-out-'));
    const commands = [
      ['athena', 'ddl'],
      ['verify', '--from', '2026-11-01', '--to', '2026-11-02'],
      ['check', 'run', '--from', '2026-11-01', '--engine', 'duckdb'],
      ['query', 'select count(*) from audit_events', '--engine', 'duckdb'],
      ['evidence', 'export', '--from', '2026-11-01', '--to', '2026-11-01', '--out', path.join(out, 'package')],
      ['init'],
    ];
    await each(commands, async (args) => {
      const r = await gcaudit(...args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line\n${r.stderr}`);
      assert.match(
        r.stderr,
        new RegExp(
          `^gcaudit: cannot reach S3 \\(the lake\\) at http://127\\.0\\.0\\.1:${s3Port} \\(ECONNREFUSED\\): is the local stack running\\? npm start\\n$`,
        ),
        args.join(' '),
      );
    });

    const debug = await gcaudit('verify', '--from', '2026-11-01', '--to', '2026-11-02', '--debug');
    assert.equal(debug.code, 1);
    assert.match(debug.stderr, /cannot reach S3 \(the lake\)/);
    assert.match(debug.stderr, /^\s+at /m, 'with --debug, the stack trace');
  },
);

test('a remote address that does not answer names the setting to check instead', { timeout: 120_000 }, async () => {
  // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never routed.
  const r = await run({ ...env, TEMPORAL_ADDRESS: '192.0.2.1:7233' }, 'schedule', 'status');
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /^gcaudit: cannot reach Temporal at 192\.0\.2\.1:7233 \(.+\): check TEMPORAL_ADDRESS and that the network reaches it\n$/,
  );
});
