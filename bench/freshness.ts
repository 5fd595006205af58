/**
 * Stream freshness benchmark (issue 6): from a raw object landing under raw/ to its rows being
 * returned by a DuckDB query of audit_events_all, on the local stack: Temporal dev server,
 * MinIO, the worker (in this process), the sandbox org's Firehose writing gzip NDJSON. Default
 * settings (INGEST_POLL_SECONDS 15).
 *
 *   npm run bench:freshness              # 8 objects
 *   SAMPLES=20 npm run bench:freshness
 *
 * Each sample: the simulator delivers what arrived since its last delivery as one object, at a
 * random moment relative to the ingest's poll; the bench then polls S3 for the object's live
 * part and then the view for every complete event of the object. Reports p50/max of landing ->
 * part written (the ingest's share) and landing -> rows queryable (what a user sees).
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { objectExists } from '../src/s3/not-found';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../src/config/config';
import { decodeRawObject, lines } from '../src/ingest/decode';
import { classifyLine } from '../src/ingest/envelope';
import { liveStreamPartKey, rawObjectHash } from '../src/ingest/ingest-keys';
import { startIngest } from '../src/client/start-ingest';
import { createQueryEngine } from '../src/query/create-engine';
import { startSimulator } from '../src/sim';
import { createWorkerDependencies } from '../src/worker/dependencies';
import { createWorkers, runWorkers } from '../src/worker/worker';
import { buildWorkflowBundle } from '../src/worker/workflow-bundle';
import { BENCH_BUCKET, BenchStack, startBenchStack } from './local-stack';

const SAMPLES = Number(process.env.SAMPLES ?? 8);
const ORG = 'bench';
// Only complete events: the path measured is the stream's (rehydration is bounded by the API).
const NO_FAULTS = { neverDeliveredShare: 0, unparsableShare: 0, truncatedShare: 0, missingFieldsShare: 0 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const seconds = (ms: number) => +(ms / 1000).toFixed(1);

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  let stack: BenchStack | undefined;
  try {
    const bundle = buildWorkflowBundle();
    stack = await startBenchStack(ORG);
    const { env, s3 } = stack;
    // About 35 events a minute: a delivery of 10-30 s of stream is one object of a few events.
    const sim = await startSimulator({
      seed: 'bench-freshness',
      eventsPerDay: 50_000,
      rateLimitPerMinute: 100_000,
      firehose: { s3, bucket: BENCH_BUCKET, prefix: 'raw/' },
    });
    const config = loadConfig({
      ...env,
      GENESYS_API_BASE: sim.baseUrl,
      GENESYS_LOGIN_BASE: sim.loginUrl,
      GENESYS_CLIENT_ID: sim.clientId,
      GENESYS_CLIENT_SECRET: sim.clientSecret,
    });

    const workerConnection = await NativeConnection.connect({ address: stack.temporalAddress });
    const deps = createWorkerDependencies(config);
    const workers = await createWorkers({ connection: workerConnection, deps, workflowBundle: { code: await bundle } });
    const running = runWorkers(workers);
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection });
    await startIngest(client, config);
    const engine = createQueryEngine(config, s3, 'duckdb', ORG);

    // Whatever arrived before the bench starts is delivered and ingested first.
    let from = Date.now() - 60_000;
    const samples: Array<{ key: string; events: number; toPartMs: number; toQueryMs: number }> = [];
    while (samples.length < SAMPLES) {
      // A random phase against the 15-second poll: the samples see its whole range.
      await sleep(10_000 + Math.random() * 20_000);
      const landed = Date.now();
      const to = landed;
      const flushed = await sim.firehose!.flush({ from, to }, NO_FAULTS);
      from = to;
      if (flushed.objects.length !== 1) continue;
      const key = flushed.objects[0].key;
      const obj = await s3.send(new GetObjectCommand({ Bucket: BENCH_BUCKET, Key: key }));
      const etag = (obj.ETag ?? '').replace(/"/g, '');
      const ids: string[] = [];
      for (const line of lines(decodeRawObject(Buffer.from(await obj.Body!.transformToByteArray())))) {
        const v = classifyLine(line);
        if (v.kind === 'event') ids.push(v.eventId);
      }
      if (ids.length === 0) continue;
      const day = new Date(landed).toISOString().slice(0, 10);
      const part = liveStreamPartKey(ORG, day, rawObjectHash(key, etag));
      while (!(await objectExists(s3, BENCH_BUCKET, part))) await sleep(100);
      const partAt = Date.now();
      const sql = `SELECT count(DISTINCT event_id) FROM audit_events_all WHERE event_id IN (${ids.map((id) => `'${id}'`).join(', ')})`;
      for (;;) {
        const result = await engine.query(sql, { days: { from: day, to: day } });
        if (Number(result.rows[0][0]) === new Set(ids).size) break;
        await sleep(200);
      }
      const sample = { key, events: ids.length, toPartMs: partAt - landed, toQueryMs: Date.now() - landed };
      samples.push(sample);
      console.error(
        `object ${samples.length}/${SAMPLES}: ${sample.events} events, part after ${seconds(sample.toPartMs)} s, queryable after ${seconds(sample.toQueryMs)} s`,
      );
    }

    const part = samples.map((s) => s.toPartMs);
    const query = samples.map((s) => s.toQueryMs);
    const report = {
      samples: samples.length,
      ingestPollSeconds: config.ingest.pollSeconds,
      landingToLivePartSeconds: { p50: seconds(quantile(part, 0.5)), max: seconds(Math.max(...part)) },
      landingToQueryableSeconds: { p50: seconds(quantile(query, 0.5)), max: seconds(Math.max(...query)) },
      targetSeconds: 60,
    };
    console.log(JSON.stringify(report, null, 2));
    const ok = report.landingToQueryableSeconds.max <= 60;
    console.log(`target (every object queryable within 60 s): ${ok ? 'met' : 'NOT met'}`);
    process.exitCode = ok ? 0 : 1;

    await engine.close();
    for (const w of workers) w.shutdown();
    await running;
    await workerConnection.close();
    await connection.close();
    await sim.close();
    deps.s3.destroy();
    s3.destroy();
  } finally {
    await stack?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
