import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { addDays, dayOf } from '../src/days';
import { startSimulator, Simulator } from '../src/sim';
import { freshLake, sandboxEnv, testConfig, uniqueName } from './harness/env';
import { gcaudit as run } from './harness/gcaudit';
import { startTestWorkers, TestWorkers } from './harness/workers';

// gcaudit as a user runs it: the CLI in its own process, against the harness's Temporal
// and MinIO, the sandbox org, and real workers.

let sim: Simulator;
let t: TestWorkers;
let env: Record<string, string>;
const org = uniqueName('cli');
const queue = uniqueName('cliq');

before(async () => {
  sim = await startSimulator({ seed: 'cli-test', eventsPerDay: 800, rateLimitPerMinute: 100_000 });
  env = {
    GCAUDIT_ORG: org,
    TEMPORAL_TASK_QUEUE: queue,
    LAKE_RETENTION_DAYS: '1',
    ...sandboxEnv(sim),
    GENESYS_REQUESTS_PER_MINUTE: '3000',
    BACKFILL_REQUESTS_PER_MINUTE: '3000',
    GENESYS_ORG_REQUESTS_PER_MINUTE: '6000',
  };
  const lake = await freshLake(env);
  lake.s3.destroy();
  env.S3_BUCKET = lake.config.s3.bucket;
  t = await startTestWorkers(lake.config, {}, queue);
});

after(async () => {
  await t.stop();
  await sim.close();
});

const gcaudit = (...args: string[]) => run(env, ...args);

const today = dayOf(Date.now());

test('bad ranges are refused before anything starts, with exit code 2 and a clear message', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--from', '2026-13-01', '--to', '2026-11-01'], /--from: expected a date YYYY-MM-DD, got "2026-13-01"/],
    [['--from', '2026-11-05', '--to', '2026-11-01'], /--from 2026-11-05 is after --to 2026-11-01/],
    [
      ['--from', addDays(today, -400), '--to', addDays(today, -390)],
      /older than the audit API's retention \(365 days\): the oldest day it still serves is \d{4}-\d{2}-\d{2}/,
    ],
    [['--from', addDays(today, -1), '--to', today], /only complete UTC days can be collected/],
  ];
  for (const [args, message] of cases) {
    const r = await gcaudit('backfill', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const started = [];
  for await (const wf of t.client.workflow.list({ query: `WorkflowId STARTS_WITH "backfill/${org}/"` }))
    started.push(wf.workflowId);
  assert.deepEqual(started, [], 'no backfill was started');
});

test('backfill --follow --json reports progress to the end; status shows the sealed days', async () => {
  const from = addDays(today, -4);
  const to = addDays(today, -3);
  const r = await gcaudit('backfill', '--from', from, '--to', to, '--follow', '--json');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines[0].workflowId, `backfill/${org}/${from}..${to}`);
  const last = lines.at(-1);
  assert.equal(last.state, 'done');
  assert.equal(last.daysDone, 2);
  assert.equal(last.events, sim.truth(from).eventIds.length + sim.truth(to).eventIds.length);

  const status = await gcaudit('status', '--json');
  assert.equal(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout);
  assert.equal(report.lastSealedDay.day, to);
  assert.equal(report.lastSealedDay.events, sim.truth(to).eventIds.length);
  assert.ok(
    report.gaps.some((g: { from: string; to: string }) => g.to === addDays(from, -1)),
    'the days before the backfill are gaps',
  );
  assert.ok(
    !report.gaps.some((g: { from: string; to: string }) => g.from <= to && g.to >= from),
    'the backfilled days are not',
  );

  const human = await gcaudit('status');
  assert.match(human.stdout, new RegExp(`last sealed day\\s+${to} \\(version 1, \\d+ events\\)`));
});

test("lookup turns a person's name into the token the lake holds, and its query finds their events", async () => {
  const day = addDays(today, -3); // collected by the backfill test above
  const events = sim.events(day);
  // A user who is the entity of some events that day, named by first and last name.
  const subject = events.find(
    (e) => e.entityType === 'User' && / /.test(e.entity?.name ?? '') && !e.entity!.name!.includes('@'),
  )!.entity!;
  const name = subject.name!;
  const expected = events.filter((e) => e.entity?.id === subject.id && e.entity?.name === name).map((e) => e.id!);
  const mentioning = new Set(events.filter((e) => JSON.stringify(e).includes(name)).map((e) => e.id!));
  assert.ok(expected.length > 0);

  const r = await gcaudit('lookup', '--name', `  ${name.toUpperCase()}  `, '--json');
  assert.equal(r.code, 0, r.stderr);
  const found = JSON.parse(r.stdout) as { token: string; query: string; policy: string };
  assert.match(found.token, /^person#[0-9a-f]{8}:[0-9a-f]{16}$/);
  assert.equal(found.policy, 'pseudonymize');
  const q = await gcaudit('query', found.query, '--from', day, '--to', day, '--json');
  assert.equal(q.code, 0, q.stderr);
  const rows = JSON.parse(q.stdout).rows as string[][];
  const ids = new Set(rows.map((row) => row[0]));
  for (const id of expected) assert.ok(ids.has(id), `event ${id} of ${name} is found`);
  for (const id of ids) assert.ok(mentioning.has(id), `event ${id} names ${name} in the source`);
  // The name itself is nowhere in the lake: only the token finds them.
  const byName = await gcaudit(
    'query',
    `SELECT count(*) FROM audit_events_all WHERE lower(coalesce(entity_name, '') || coalesce(new_value, '') || coalesce(old_value, '') || coalesce(extra, '')) LIKE '%${name.toLowerCase()}%'`,
    '--from',
    day,
    '--to',
    day,
    '--json',
  );
  assert.equal(JSON.parse(byName.stdout).rows[0][0], '0');

  const human = await gcaudit('lookup', '--name', name);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, new RegExp(`^${found.token}\n`));
  assert.match(
    human.stdout,
    /Find the person's events:\n {2}gcaudit query "SELECT .* FROM audit_events_all WHERE user_name = 'person#/,
  );
  const blank = await gcaudit('lookup', '--name', ' ');
  assert.equal(blank.code, 2);
  assert.match(blank.stderr, /--name: expected a person's name/);
  const noKey = await run(
    { ...env, MASK_HMAC_KEY: '', S3_ENDPOINT: 'http://127.0.0.1:9', GCAUDIT_DATA_DIR: '/nonexistent/gcaudit' },
    'lookup',
    '--name',
    name,
  );
  assert.equal(noKey.code, 2, noKey.stderr);
  assert.match(noKey.stderr, /MASK_HMAC_KEY: required to compute the token of a name/);
});

test('schedule apply, pause, resume and status', async () => {
  const missing = await gcaudit('schedule', 'status');
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /does not exist; create it with "gcaudit schedule apply"/);

  const applied = await gcaudit('schedule', 'apply', '--json');
  assert.equal(applied.code, 0, applied.stderr);
  const a = JSON.parse(applied.stdout);
  assert.equal(a.result, 'created');
  assert.match(a.nextRuns[0], /T02:00:00\.000Z$/, 'at the lag (120 minutes) after midnight UTC');

  assert.equal((await gcaudit('schedule', 'pause')).code, 0);
  assert.equal(JSON.parse((await gcaudit('schedule', 'status', '--json')).stdout).paused, true);
  assert.equal((await gcaudit('schedule', 'resume')).code, 0);
  assert.equal(JSON.parse((await gcaudit('schedule', 'status', '--json')).stdout).paused, false);
  assert.equal(JSON.parse((await gcaudit('schedule', 'apply', '--json')).stdout).result, 'updated');
  assert.equal((await gcaudit('schedule', 'bogus')).code, 2);
  await t.client.schedule.getHandle(`daily-collect/${org}`).delete();
});

test(
  'failed days: the backfill pauses after BACKFILL_PAUSE_AFTER_FAILED_DAYS; --follow and status name each root cause and the resume command',
  { timeout: 300_000 },
  async () => {
    // Workers of their own whose OAuth client secret is wrong: every day fails with AuthError.
    const badOrg = uniqueName('clibad');
    const badQueue = uniqueName('clibadq');
    const badEnv = {
      ...env,
      GCAUDIT_ORG: badOrg,
      TEMPORAL_TASK_QUEUE: badQueue,
      GENESYS_CLIENT_SECRET: 'not-the-secret',
      BACKFILL_PAUSE_AFTER_FAILED_DAYS: '2',
      BACKFILL_CONCURRENCY: '1',
    };
    const bad = await startTestWorkers(testConfig(badEnv), {}, badQueue);
    const from = addDays(today, -9);
    const to = addDays(today, -6);
    const workflowId = `backfill/${badOrg}/${from}..${to}`;
    try {
      const r = await run(badEnv, 'backfill', '--from', from, '--to', to, '--follow');
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(`^gcaudit: 2 days of backfill ${workflowId.replace(/\./g, '\\.')} failed; the backfill is paused:`),
      );
      const causes = r.stderr.split('\n').filter((l) => /^ {2}\d{4}-\d{2}-\d{2}: /.test(l));
      assert.deepEqual(
        causes.map((l) => l.trim().slice(0, 10)),
        [from, addDays(from, 1)],
        'the first two days, then it paused',
      );
      for (const line of causes)
        assert.match(
          line,
          /: AuthError: Genesys refused the client credentials .*check GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET/,
        );
      assert.doesNotMatch(r.stderr, /not-the-secret/, 'the secret itself is never shown');
      assert.match(
        r.stderr,
        new RegExp(
          `resume it \\(failed days are retried first\\): gcaudit backfill --from ${from} --to ${to} --resume\n$`,
        ),
      );

      const status = JSON.parse((await run(badEnv, 'status', '--json')).stdout);
      const progress = status.backfills.find((b: { workflowId: string }) => b.workflowId === workflowId)?.progress;
      assert.equal(progress.state, 'paused');
      assert.equal(progress.pauseAfterFailedDays, 2);
      assert.equal(progress.daysDone, 0);
      assert.equal(progress.failed.length, 2, 'no day started after the pause');
      const human = await run(badEnv, 'status');
      assert.match(human.stdout, new RegExp(`${workflowId.replace(/\./g, '\\.')}  0/4 days, PAUSED, 2 failed`));
      assert.match(human.stdout, new RegExp(`failed ${from}: AuthError: Genesys refused the client credentials`));
      assert.match(human.stdout, new RegExp(`resume with: gcaudit backfill --from ${from} --to ${to} --resume`));
    } finally {
      await bad.client.workflow
        .getHandle(workflowId)
        .terminate('test over')
        .catch(() => undefined);
      await bad.stop();
    }
  },
);
