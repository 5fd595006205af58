/**
 * Zero leaks end to end, on the real stack: the sandbox org plants phone numbers of every
 * Genesys region's country (national, +, 00, 011), e-mails and names of people (its truth lists
 * them as planted); the API collection and the stream (with truncated and unparsable events,
 * rehydrated from the API) run with the default settings; then no planted value may be found in
 * the lake's Parquet (sealed and live), in the staging chunks the collection wrote to MinIO, in
 * quarantine, or in the history of any workflow of the run. The same search first finds every
 * planted value in what Genesys sent, so it cannot pass by finding nothing.
 */
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Config } from '../src/config/config';
import { Secret } from '../src/config/secret';
import { listKeys } from '../src/s3/list-objects';
import { createS3Client } from '../src/s3/client';
import { startSimulator, Simulator, StreamShares } from '../src/sim';
import { collectDayWorkflow, ingestWorkflow, rehydrateWorkflow } from '../src/workflows';
import { ingestStatusQuery } from '../src/workflows/ingest';
import { freshLake } from './harness/env';
import { readDay } from './harness/lake';
import { startTestWorkers, TestWorkers } from './harness/workers';

const ORG = 'leakco';
const DAY = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
const SHARES: Partial<StreamShares> = {
  neverDeliveredShare: 0.02,
  unparsableShare: 0.02,
  truncatedShare: 0.02,
  missingFieldsShare: 0.02,
};

let sim: Simulator;
let config: Config;
let s3: S3Client;
let t: TestWorkers;
let ingest: WorkflowHandle<typeof ingestWorkflow> | undefined;
/** Every staging chunk the collection wrote, read back from MinIO right after it was written. */
const staged: string[] = [];

/** The worker's S3 client, reading back each `_staging/` chunk it puts (the seal deletes them later). */
function stagingSpy(cfg: Config): S3Client {
  const client = createS3Client(cfg);
  const reader = createS3Client(cfg);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as { Bucket?: string; Key?: string };
      if (context.commandName === PutObjectCommand.name && input.Key?.startsWith('_staging/')) {
        const res = await reader.send(new GetObjectCommand({ Bucket: input.Bucket, Key: input.Key }));
        staged.push(await res.Body!.transformToString());
      }
      return result;
    },
    { step: 'initialize', name: 'stagingSpy' },
  );
  return client;
}

before(async () => {
  const lake = await freshLake({ GCAUDIT_ORG: ORG, LAKE_RETENTION_DAYS: '1' });
  s3 = lake.s3;
  sim = await startSimulator({
    seed: 'leak-test',
    eventsPerDay: 600,
    rateLimitPerMinute: 100_000,
    firehose: { s3, bucket: lake.config.s3.bucket, prefix: 'raw/', bufferMs: 900_000 },
  });
  config = {
    ...lake.config,
    genesys: {
      ...lake.config.genesys,
      apiBase: sim.baseUrl,
      loginBase: sim.loginUrl,
      clientId: sim.clientId,
      clientSecret: new Secret(sim.clientSecret),
      requestsPerMinute: 6000,
      backfillRequestsPerMinute: 3000,
      orgRequestsPerMinute: 10_000,
    },
  };
  assert.equal(config.mask.personNames, 'pseudonymize', 'the default');
  assert.equal(
    config.mask.phoneCountries,
    undefined,
    "the default: the sandbox has no region, so every region's country",
  );
  t = await startTestWorkers(config, { s3: stagingSpy(config) });
});

after(async () => {
  await ingest?.terminate().catch(() => undefined);
  await t?.stop();
  await sim?.close();
  s3?.destroy();
});

/** Each planted value, and what of it would be a leak when found in a text. */
function plantedValues(): Array<{ kind: 'phone' | 'email' | 'name'; value: string }> {
  const { phones, emails, names } = sim.truth(DAY).pii;
  return [
    ...phones.map((value) => ({ kind: 'phone' as const, value })),
    ...emails.map((value) => ({ kind: 'email' as const, value: value.toLowerCase() })),
    ...names.map((value) => ({ kind: 'name' as const, value: value.toLowerCase() })),
  ];
}

/** The planted values found in `text` (phones as written; e-mails and names in any case). */
function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  return plantedValues()
    .filter(({ kind, value }) => (kind === 'phone' ? text.includes(value) : lower.includes(value)))
    .map(({ kind, value }) => `${kind} ${value}`);
}

/** A workflow history as text: its JSON, and every payload decoded (payload data is base64 in the JSON). */
function historyText(json: string): string {
  const decoded: string[] = [json];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (typeof object.data === 'string' && object.metadata !== undefined)
        decoded.push(Buffer.from(object.data, 'base64').toString('utf8'));
      Object.values(object).forEach(walk);
    }
  };
  walk(JSON.parse(json));
  return decoded.join('\n');
}

async function objectsText(prefix: string): Promise<string> {
  const texts: string[] = [];
  for (const key of await listKeys(s3, config.s3.bucket, prefix)) {
    const body = Buffer.from(
      await (await s3.send(new GetObjectCommand({ Bucket: config.s3.bucket, Key: key }))).Body!.transformToByteArray(),
    );
    texts.push((key.endsWith('.gz') ? gunzipSync(body) : body).toString('utf8'));
  }
  return texts.join('\n');
}

test("no planted phone (every region's formats), e-mail or person name in the lake, staging, quarantine or workflow histories", async () => {
  // The stream of the day: delivered, truncated and unparsable events (those are rehydrated from the API).
  const flushed = await sim.firehose!.flush({ day: DAY }, SHARES);
  ingest = await t.client.workflow.start(ingestWorkflow, {
    taskQueue: t.queues.daily,
    workflowId: `ingest/${ORG}`,
    args: [
      {
        org: ORG,
        rawPrefix: 'raw/',
        pollSeconds: 1,
        graceMinutes: 60,
        rehydrateMaxHours: 24,
        apiTaskQueue: t.queues.daily,
        lakeTaskQueue: t.queues.lake,
      },
    ],
  });
  for (let i = 0; ; i++) {
    const status = await ingest.query(ingestStatusQuery);
    if (status.objects + status.failedObjects >= flushed.objects.length && status.phase === 'waiting') break;
    assert.ok(i < 1200, `ingest stuck: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stream = sim.truth(DAY).stream!;
  const rehydrated = await Promise.all(
    [...stream.truncated, ...stream.unparsable].map((id) =>
      t.client.workflow.getHandle<typeof rehydrateWorkflow>(`rehydrate/${ORG}/${id}`).result(),
    ),
  );
  assert.ok(rehydrated.length > 0 && rehydrated.every((r) => r.status === 'rehydrated'));
  // The API collection of the same day: staged page by page, then sealed.
  await t.client.workflow.execute(collectDayWorkflow, {
    taskQueue: t.queues.daily,
    workflowId: `collect-day/${ORG}/${DAY}`,
    args: [{ org: ORG, day: DAY, lakeTaskQueue: t.queues.lake, checksAfterSeal: false }],
  });

  // What Genesys sent holds every planted value, and the search finds each: it can fail.
  const planted = plantedValues();
  assert.ok(
    planted.filter((p) => p.kind === 'phone').length >= 14 * 5,
    'phones of every region country in several formats',
  );
  assert.ok(planted.some((p) => p.kind === 'name') && planted.some((p) => p.kind === 'email'));
  const sent = `${JSON.stringify(sim.events(DAY, { expandUser: true }))}\n${await objectsText('raw/')}`;
  assert.deepEqual(
    leaks(sent).sort(),
    planted.map((p) => `${p.kind} ${p.value}`).sort(),
    'every planted value is found in the source',
  );

  // The lake: the sealed day and the live table.
  const sealed = await readDay(s3, config.s3.bucket, ORG, DAY);
  const live = await readDay(s3, config.s3.bucket, ORG, DAY, 'audit_events_live');
  assert.deepEqual(sealed.eventIds, [...sim.truth(DAY).eventIds].sort());
  assert.ok(live.eventIds.length > 0);
  assert.deepEqual(leaks(sealed.text), [], 'sealed Parquet');
  assert.deepEqual(leaks(live.text), [], 'live Parquet');
  assert.match(sealed.text, /phone#[0-9a-f]{8}:[0-9a-f]{16}/, 'phones are there as tokens');
  assert.match(sealed.text, /person#[0-9a-f]{8}:[0-9a-f]{16}/, 'names are there as tokens');

  // The staging chunks, as MinIO held them before the seal removed them.
  assert.ok(staged.length > 0, 'the collection staged its pages');
  const stagedText = staged.join('\n');
  assert.equal(
    stagedText.split('\n').filter((l) => l !== '').length,
    sim.truth(DAY).eventIds.length,
    'one line per event',
  );
  assert.deepEqual(leaks(stagedText), [], 'staging chunks');

  // Quarantine (records that failed the transform, kept masked) and everything else under the org.
  assert.deepEqual(leaks(await objectsText(`${ORG}/`)), [], 'every object under the org prefix');

  // The history of every workflow of the run (collect-day, its children, ingest, rehydrations).
  const histories: string[] = [];
  for (const queue of [t.queues.daily, t.queues.lake]) {
    for await (const wf of t.client.workflow.list({ query: `TaskQueue = "${queue}"` })) {
      histories.push(
        historyText(historyToJSON(await t.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory())),
      );
    }
  }
  assert.ok(histories.length >= 2 + rehydrated.length, `histories of every workflow (${histories.length})`);
  const historiesText = histories.join('\n');
  assert.ok(
    historiesText.includes(`"org":"${ORG}"`) && historiesText.includes(DAY),
    'payloads are decoded (their inputs are readable)',
  );
  assert.deepEqual(leaks(historiesText), [], 'workflow histories');
});
