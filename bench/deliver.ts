/**
 * Splunk delivery benchmark: a sealed day of 1M realistic events (the writer's synthetic API
 * records, normalized and masked, sealed by the real sealer into MinIO) delivered to the HEC
 * test receiver with indexer acknowledgment on, by the delivery code the worker runs (verify
 * each part, DuckDB builds the HEC lines, deterministic batches, gzip, POST, ack polls, ledger
 * records). Reported: events/s delivered and gzip bytes on the wire per event, beside the lake
 * read alone (verify + download + the HEC lines, nothing sent). The delivery runs pinned to one
 * core with DuckDB on one thread; the receiver on the other core. CPU seconds are the delivery
 * process's alone (user + system, all its threads): the figure that holds on a loaded machine,
 * where wall time waits for other jobs; each figure is printed with the 1-minute load average.
 *
 *   npm run bench:deliver              # 1,000,000 events
 *   EVENTS=200000 npm run bench:deliver
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../src/config/config';
import { deliverPart } from '../src/delivery/deliver-part';
import { planDay } from '../src/delivery/plan';
import { downloadVerified } from '../src/delivery/verified-part';
import { sealDay } from '../src/lake/day-sealer';
import { openDuckDb } from '../src/lake/duckdb';
import { pageChunkName, stagingChunkKey, stagingPrefix } from '../src/lake/keys';
import { createSigner } from '../src/lake/signing';
import { writeStagingChunk } from '../src/lake/staging';
import { createS3Client } from '../src/s3/client';
import { partLines } from '../src/splunk/hec-events';
import { transformBatch, transformContext } from '../src/transform/pipeline';
import { HecReceiver } from '../test/hec-server/server';
import { startBenchStack } from './local-stack';
import { syntheticApiRecords } from './transform-records';
import { lakeOf } from '../src/s3/lake';
import { WORKER_ENV, WORKER_NODE_FLAGS } from '../src/worker/node-flags';

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const PAGE = 500;
const DAY = '2026-11-20';
const ORG = 'benchorg';
const TOKEN = '11111111-2222-3333-4444-555555555555';

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
/** CPU seconds (user + system) since `from`: the one core's work, whatever else runs on the machine. */
const cpuSeconds = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
};
const peakRssMB = () =>
  Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024);

/** The receiver, on its own core: prints its URL, then its counts when asked to stop. */
async function receiverMode() {
  const receiver = new HecReceiver({ [TOKEN]: { ack: true, indexes: ['gcaudit'] } });
  receiver.countOnly = true;
  const c0 = process.cpuUsage();
  process.stdout.write(`${await receiver.start()}\n`);
  process.once('SIGTERM', () => {
    const cpu = cpuSeconds(c0);
    process.stdout.write(`${JSON.stringify({ events: receiver.eventCount, cpu, ...receiver.stats })}\n`);
    void receiver.stop().then(() => process.exit(0));
  });
}

/** The delivery, pinned to one core: the lake read alone, then the full delivery of every part. */
async function deliveryMode() {
  const config = loadConfig();
  const s3 = createS3Client(config);
  const lake = lakeOf(config, s3);
  const plan = await planDay(lake, ORG, 'splunk', DAY);
  const work = await mkdtemp(path.join(tmpdir(), 'bench-read-'));
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let readEvents = 0;
  let lineBytes = 0;
  const db = await openDuckDb({ threads: 1, memoryLimitMb: 256 });
  for (const [i, part] of plan.pending.entries()) {
    const file = path.join(work, `${i}.parquet`);
    await downloadVerified(s3, config.s3.bucket, part, file);
    for await (const lines of partLines(
      db.connection,
      part.kind,
      file,
      {
        host: ORG,
        source: part.key,
        sourcetype: 'genesys:cloud:audit',
        index: 'gcaudit',
        manifestSha256: part.manifestSha256,
      },
      work,
    )) {
      readEvents += lines.length;
      for (const l of lines) lineBytes += l.bytes + 1;
    }
  }
  const readSeconds = seconds(t0);
  const readCpu = cpuSeconds(c0);
  const readLoad = loadavg()[0];
  db.close();
  await rm(work, { recursive: true, force: true });

  const t1 = process.hrtime.bigint();
  const c1 = process.cpuUsage();
  let events = 0;
  let gzipBytes = 0;
  let batches = 0;
  for (const part of plan.pending) {
    const r = await deliverPart(
      { lake, splunk: config.splunk, duckdb: config.duckdb, ackPollMs: 20 },
      { org: ORG, sink: 'splunk', day: DAY, part },
    );
    events += r.events;
    gzipBytes += r.gzipBytes;
    batches += r.batches;
  }
  const deliverSeconds = seconds(t1);
  const deliverCpu = cpuSeconds(c1);
  const deliverLoad = loadavg()[0];
  s3.destroy();
  process.stdout.write(
    `${JSON.stringify({ parts: plan.pending.length, readEvents, readSeconds, readCpu, readLoad, lineBytes, events, batches, gzipBytes, deliverSeconds, deliverCpu, deliverLoad, peakRssMB: peakRssMB() })}\n`,
  );
}

async function main() {
  const stack = await startBenchStack(ORG);
  const receiver = spawn('taskset', ['-c', '1', process.execPath, ...process.execArgv, __filename, '--receiver'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve) =>
      receiver.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
    );
    const env = {
      ...stack.env,
      SPLUNK_HEC_URL: url,
      SPLUNK_HEC_TOKEN: TOKEN,
      SPLUNK_INDEX: 'gcaudit',
      SPLUNK_HEC_ACK: 'on',
    };
    const config = loadConfig(env);

    // The day, sealed as the collector seals it: masked event lines staged by page, then the real sealer.
    const t0 = process.hrtime.bigint();
    const context = transformContext(config.mask);
    const start = Date.parse(`${DAY}T00:00:00.000Z`);
    const pages = Math.ceil(EVENTS / PAGE);
    for (let i = 0; i < pages; i += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, pages - i) }, (_, k) => {
          const p = i + k;
          const records = syntheticApiRecords(Math.min(PAGE, EVENTS - p * PAGE), p + 1);
          records.forEach((r, j) => {
            const n = p * PAGE + j;
            r.eventDate = new Date(start + Math.floor((n / EVENTS) * 86_399_000)).toISOString();
            r.id = `00000000-0000-4000-a000-${n.toString(16).padStart(12, '0')}`;
          });
          const { lines } = transformBatch(records, 'api', context);
          return writeStagingChunk(lakeOf(config, stack.s3), {
            key: stagingChunkKey(ORG, DAY, 'bench', pageChunkName(0, p)),
            lines,
          });
        }),
      );
    }
    const sealed = await sealDay(
      { lake: lakeOf(config, stack.s3), duckdb: config.duckdb, signer: createSigner(config.manifest.signingKey!) },
      {
        org: ORG,
        day: DAY,
        stagingPrefix: stagingPrefix(ORG, DAY, 'bench'),
        query: null,
        sealedAt: new Date().toISOString(),
        hmacKeyId: 'bench',
        extraAllowlist: config.mask.extraAllowlist,
      },
    );
    console.log(
      `sealed ${DAY}: ${sealed.dayEvents} events in ${sealed.objects.length} parts (${seconds(t0).toFixed(1)} s to generate and seal)`,
    );

    // The sender runs as delivery does in the worker: with the worker's V8 flags and malloc settings.
    const sender = [process.execPath, ...WORKER_NODE_FLAGS, ...process.execArgv, __filename, '--deliver'];
    const out = execFileSync('taskset', ['-c', '0', ...sender], {
      encoding: 'utf8',
      env: { ...process.env, ...WORKER_ENV, ...env },
      maxBuffer: 1 << 20,
    });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
    receiver.kill('SIGTERM');
    const received = JSON.parse(
      await new Promise<string>((resolve) => receiver.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()))),
    ) as Record<string, number>;

    console.log(
      `lake read (verify + download + HEC lines), one core: ${r.readEvents} events in ${r.readSeconds.toFixed(1)} s = ${Math.round(r.readEvents / r.readSeconds)} events/s (${r.readCpu.toFixed(1)} CPU s: ${Math.round(r.readEvents / r.readCpu)} events per CPU second), ${(r.lineBytes / r.readEvents).toFixed(0)} bytes of JSON per event; load average ${r.readLoad.toFixed(1)} on ${cpus().length} cores`,
    );
    console.log(
      `delivery (read + batches + gzip + POST + acks + ledger), one core: ${r.events} events in ${r.deliverSeconds.toFixed(1)} s = ${Math.round(r.events / r.deliverSeconds)} events/s (${r.deliverCpu.toFixed(1)} CPU s: ${Math.round(r.events / r.deliverCpu)} events per CPU second); ${r.batches} batches; ${(r.gzipBytes / r.events).toFixed(1)} gzip bytes on the wire per event (${((r.gzipBytes / r.lineBytes) * 100).toFixed(1)} % of the JSON); peak RSS ${r.peakRssMB} MB; load average ${r.deliverLoad.toFixed(1)}`,
    );
    console.log(
      `receiver: ${received.events} events in ${received.accepted} requests (at most ${received.maxConcurrent} at once), ${received.ackPolls} ack polls (at most ${received.maxAcksPerPoll} ack ids in one), ${received.bytesOnWire} bytes received, ${received.cpu.toFixed(1)} CPU s on its own core`,
    );
    console.log(
      `target: a 1M-event day in under 60 s on one core: ${r.events >= 1_000_000 ? `${r.deliverCpu < 60 ? 'met' : 'NOT met'} in CPU seconds (${r.deliverCpu.toFixed(1)} CPU s); wall ${r.deliverSeconds.toFixed(1)} s (${r.deliverSeconds < 60 ? 'met' : 'not met'} at load ${r.deliverLoad.toFixed(1)})` : `(run with EVENTS=1000000; this run projects ${((r.deliverSeconds * 1_000_000) / r.events).toFixed(0)} s wall, ${((r.deliverCpu * 1_000_000) / r.events).toFixed(0)} CPU s)`}`,
    );
    if (received.events !== r.events)
      throw new Error(`the receiver counted ${received.events} events, the delivery ${r.events}`);
  } finally {
    if (receiver.exitCode === null) receiver.kill('SIGKILL');
    await stack.stop();
  }
}

const mode = process.argv[2];
(mode === '--receiver' ? receiverMode() : mode === '--deliver' ? deliveryMode() : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
