/**
 * gcaudit deliver and status as a user runs them (the CLI in its own process) against the
 * harness's Temporal and MinIO, real workers and the HEC receiver; the settings' validation.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { deliveryWorkflowId } from '../../src/activities/deliver';
import { loadConfig } from '../../src/config/config';
import { ConfigError } from '../../src/errors';
import { uniqueName } from '../harness/env';
import { gcaudit as run } from '../harness/gcaudit';
import { startTestWorkers, TestWorkers } from '../harness/workers';
import { HecReceiver } from '../hec-server/server';
import { dayEvents, DeliveryLake, deliveryLake, sealDayWith, storeDayFindings } from './delivery-lake';

const TOKEN = '11111111-2222-3333-4444-555555555555';
const org = uniqueName('dcli');
const queue = uniqueName('dcliq');
let receiver: HecReceiver;
let lake: DeliveryLake;
let t: TestWorkers;
let env: Record<string, string>;

before(async () => {
  receiver = new HecReceiver({ [TOKEN]: { ack: true, indexes: ['gcaudit'] } });
  const url = await receiver.start();
  lake = await deliveryLake(org);
  env = {
    GCAUDIT_ORG: org,
    TEMPORAL_TASK_QUEUE: queue,
    S3_BUCKET: lake.config.s3.bucket,
    LAKE_RETENTION_DAYS: '1',
    LAKE_LOCK_MODE: 'GOVERNANCE',
    SPLUNK_HEC_URL: url,
    SPLUNK_HEC_TOKEN: TOKEN,
    SPLUNK_INDEX: 'gcaudit',
    GENESYS_API_BASE: 'http://127.0.0.1:9',
    GENESYS_CLIENT_ID: 'unused',
    GENESYS_CLIENT_SECRET: 'unused',
  };
  t = await startTestWorkers(loadConfig({ ...process.env, ...env }), {}, queue);
});

after(async () => {
  await t.client.workflow
    .getHandle(deliveryWorkflowId(org, 'splunk'))
    .terminate('test done')
    .catch((e: unknown) => {
      if (!(e instanceof WorkflowNotFoundError)) throw e;
    });
  await t.stop();
  await receiver.stop();
  lake.s3.destroy();
});

test('bad arguments and a missing sink are refused before anything connects (exit 2)', async () => {
  // An address nothing listens on: a command that tried to connect would fail otherwise.
  const offline = { ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' };
  const cases: Array<[Record<string, string>, string[], RegExp]> = [
    [
      offline,
      ['--sink', 'elastic', '--from', '2026-07-01', '--to', '2026-07-01'],
      /--sink: expected one of splunk, got "elastic"/,
    ],
    [
      offline,
      ['--sink', 'splunk', '--from', '2026-07-32', '--to', '2026-07-01'],
      /--from: expected a date YYYY-MM-DD, got "2026-07-32"/,
    ],
    [
      offline,
      ['--sink', 'splunk', '--from', '2026-07-02', '--to', '2026-07-01'],
      /--from 2026-07-02 is after --to 2026-07-01/,
    ],
    [
      { ...offline, SPLUNK_HEC_URL: '', SPLUNK_HEC_TOKEN: '' },
      ['--sink', 'splunk', '--from', '2026-07-01', '--to', '2026-07-01'],
      /SPLUNK_HEC_URL: not set/,
    ],
    [
      { ...offline, SPLUNK_HEC_ACK: 'maybe' },
      ['--sink', 'splunk', '--from', '2026-07-01', '--to', '2026-07-01'],
      /SPLUNK_HEC_ACK: expected on or off/,
    ],
  ];
  for (const [e, args, message] of cases) {
    const r = await run(e, 'deliver', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('the token comes from SPLUNK_HEC_TOKEN_FILE and prints as [redacted]; a token without a URL is refused', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hec-token-'));
  writeFileSync(path.join(dir, 'token'), `${TOKEN}\n`);
  const config = loadConfig({
    SPLUNK_HEC_URL: 'https://splunk.example.com:8088',
    SPLUNK_HEC_TOKEN_FILE: path.join(dir, 'token'),
  });
  assert.equal(config.splunk?.token?.reveal(), TOKEN);
  assert.equal(config.splunk?.ack, true);
  assert.equal(config.splunk?.tlsVerify, true, 'TLS verification is on by default');
  assert.ok(!JSON.stringify(config).includes(TOKEN));
  assert.throws(
    () => loadConfig({ SPLUNK_HEC_TOKEN: TOKEN }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /SPLUNK_HEC_TOKEN: set SPLUNK_HEC_URL too/.test(e.message) &&
      !e.message.includes(TOKEN),
  );
});

test("gcaudit deliver --follow delivers a range and reports unsealed days; gcaudit status shows each day's delivery", async () => {
  const day = '2026-07-01';
  await sealDayWith(lake, day, dayEvents(day, 300));
  await storeDayFindings(lake, day, 2);
  const r = await run(env, 'deliver', '--sink', 'splunk', '--from', day, '--to', '2026-07-02', '--follow');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, new RegExp(`deliver ${day}..2026-07-02 to splunk: workflow deliver/${org}/splunk`));
  assert.match(r.stdout, /2\/2 days, 300 events, \d+ batches, 0 waits, ETA .*, done/);
  assert.match(r.stdout, /300 events and 2 findings sent in \d+ batches \(0 resent\); 1 days delivered/);
  assert.match(r.stderr, /not sealed, nothing delivered: 2026-07-02/);
  assert.equal([...receiver.eventIdCounts('genesys:cloud:audit')].filter(([id]) => id.startsWith(day)).length, 300);

  const again = await run(env, 'deliver', '--sink', 'splunk', '--from', day, '--to', day, '--follow');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /0 events and 0 findings sent in 0 batches/);

  const status = await run(env, 'status');
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /delivery \(splunk\)/);
  assert.match(status.stdout, new RegExp(`${day}  delivered, 300 events, 2 findings, receipt `));
});
