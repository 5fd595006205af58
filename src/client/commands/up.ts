import * as path from 'node:path';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { S3Client } from '@aws-sdk/client-s3';
import { Config, loadConfig } from '../../config/config';
import { sealedDays } from '../../lake/sealed-days';
import { applyDailySchedule, applyRecrawlSchedule, dailyScheduleId } from '../schedule';
import { reportPrivileges } from '../../genesys/privilege-check';
import { withLocalSecrets } from '../../config/local-defaults';
import { startLocalStack } from '../../stack/local-stack';
import { needsSandbox, startSandbox } from '../../stack/sandbox';
import { startIngest } from '../start-ingest';
import { createS3Client } from '../../s3/client';
import { connectClient, connectWorker } from '../../temporal/connection';
import { taskQueues } from '../../temporal/task-queues';
import { createWorkerDependencies } from '../../worker/dependencies';
import { createWorkers, runWorkers } from '../../worker/worker';
import { prebuiltWorkflowBundle } from '../../worker/workflow-bundle';
import { lakeOf } from '../../s3/lake';

/**
 * `gcaudit up`: the embedded local stack in one process tree. Ctrl-C stops the workers first
 * (they finish their current tasks), then the servers; their state stays in the data dir, so
 * the next `gcaudit up` resumes where this one stopped.
 */
export async function up(): Promise<void> {
  let config = loadConfig();
  // The terminal shows the banner and what needs attention; worker state changes are debug.
  Runtime.install({ logger: new DefaultLogger(config.logLevel === 'debug' ? 'DEBUG' : 'WARN') });
  const workflowBundle = prebuiltWorkflowBundle();
  const stack = await startLocalStack(config);
  const stops: Array<() => Promise<void>> = [stack.stop];
  try {
    config = withLocalSecrets({ ...config, temporal: { ...config.temporal, address: stack.temporal.address } });
    let sandboxUrl: string | undefined;
    let streaming = false;
    if (needsSandbox(config)) {
      // The sandbox's stream goes to the lake bucket's raw/ prefix, as Firehose would deliver it.
      const streamS3 = createS3Client(config);
      const sandbox = await startSandbox(config, streamS3);
      stops.unshift(async () => {
        await sandbox.sim.close();
        streamS3.destroy();
      });
      config = sandbox.config;
      sandboxUrl = sandbox.sim.baseUrl;
      streaming = sandbox.streaming;
    }
    const deps = createWorkerDependencies(config);
    const connection = await connectWorker(config);
    const workers = await createWorkers({ connection, deps, workflowBundle });
    const temporal = await connectClient(config);
    const client = new Client({ connection: temporal, namespace: config.temporal.namespace });
    if (streaming) await startIngest(client, config);
    const applied = await applySchedules(client, config, deps.s3);
    await temporal.close();
    printBanner(config, stack, { sandboxUrl, streaming, schedules: applied });
    await reportPrivileges(config, (line) => process.stdout.write(`${line}\n`));

    // The workers' runtime shuts them down on SIGINT/SIGTERM; run() then resolves.
    await runWorkers(workers);
    await connection.close();
    deps.s3.destroy();
  } finally {
    process.stdout.write('stopping the local stack...\n');
    for (const stop of stops) await stop();
    process.stdout.write('stopped.\n');
  }
}

/**
 * The daily and nightly schedules, created or updated to this config. On a lake with no sealed
 * day yet, the daily run is triggered at once: it collects yesterday and starts backfills for the
 * rest of the API's retention, so data starts arriving now rather than at the next 02:00 UTC.
 */
async function applySchedules(client: Client, config: Config, s3: S3Client): Promise<string> {
  const daily = await applyDailySchedule(client, config);
  await applyRecrawlSchedule(client, config);
  const id = dailyScheduleId(config.org);
  if ((await sealedDays(lakeOf(config, s3), config.org)).size === 0) {
    await client.schedule.getHandle(id).trigger();
    return `Schedules ${daily}; the lake has no sealed day yet, so ${id} runs now: watch it in the Web UI (GcauditOrg="${config.org}") or with gcaudit status.`;
  }
  return `Schedules ${daily}: ${id} collects the previous UTC day daily, ${config.collection.dailyLagMinutes} minutes after midnight UTC.`;
}

function printBanner(
  config: Config,
  stack: Awaited<ReturnType<typeof startLocalStack>>,
  { sandboxUrl, streaming, schedules }: { sandboxUrl?: string; streaming: boolean; schedules: string },
) {
  const rel = (p: string) => path.relative(process.cwd(), p) || '.';
  const queues = taskQueues(config.temporal.taskQueue);
  const rows: [string, string][] = [
    [
      'Temporal',
      `${stack.temporal.address}  namespace ${config.temporal.namespace}${stack.temporal.embedded ? `, state in ${rel(path.join(config.dataDir, 'temporal'))}` : ' (existing server)'}`,
    ],
  ];
  if (stack.temporal.uiUrl) rows.push(['Temporal Web UI', stack.temporal.uiUrl]);
  rows.push([
    'S3 (lake)',
    `${stack.s3.endpoint}  bucket ${stack.s3.bucket} (versioning ${stack.s3.state.versioning}, Object Lock ${stack.s3.state.objectLock})${stack.s3.embedded ? '' : ' (existing)'}`,
  ]);
  if (stack.s3.consoleUrl)
    rows.push([
      'MinIO console',
      `${stack.s3.consoleUrl}  (credentials in ${rel(path.join(config.dataDir, 'local-credentials.json'))})`,
    ]);
  rows.push([
    'Genesys org',
    sandboxUrl
      ? `sandbox (simulator) at ${sandboxUrl}, org ${config.org}`
      : `${config.genesys.region ?? config.genesys.apiBase}, org ${config.org}`,
  ]);
  if (streaming)
    rows.push([
      'Stream',
      `sandbox EventBridge -> s3://${stack.s3.bucket}/${config.ingest.rawPrefix} every ${config.local.simFirehoseSeconds} s; workflow ingest/${config.org}`,
    ]);
  rows.push([
    'Worker',
    `task queues ${queues.daily} (${config.genesys.requestsPerMinute}/min), ${queues.backfill} (${config.genesys.backfillRequestsPerMinute}/min), ${queues.lake}`,
  ]);
  rows.push(['Logs', rel(stack.logDir)]);
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(
    `gcaudit local stack is up\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n${schedules}\nPress Ctrl-C to stop.\n`,
  );
}
