import * as path from 'node:path';
import { Client } from '@temporalio/client';
import { loadConfig } from '../../config/config';
import { reportPrivileges } from '../../genesys/privilege-check';
import { withLocalSecrets } from '../../config/local-defaults';
import { startLocalStack } from '../../stack/local-stack';
import { needsSandbox, startSandbox } from '../../stack/sandbox';
import { startIngest } from '../../ingest/start-ingest';
import { createS3Client } from '../../s3/client';
import { connectClient, connectWorker } from '../../temporal/connection';
import { taskQueues } from '../../temporal/task-queues';
import { createWorkerDependencies } from '../../worker/dependencies';
import { createWorkers, runWorkers } from '../../worker/worker';
import { prebuiltWorkflowBundle } from '../../worker/workflow-bundle';

/**
 * `gcaudit up`: the embedded local stack in one process tree. Ctrl-C stops the workers first
 * (they finish their current tasks), then the servers; their state stays in the data dir, so
 * the next `gcaudit up` resumes where this one stopped.
 */
export async function up(): Promise<void> {
  let config = loadConfig();
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
    if (streaming) {
      const temporal = await connectClient(config);
      await startIngest(new Client({ connection: temporal, namespace: config.temporal.namespace }), config);
      await temporal.close();
    }
    printBanner(config, stack, sandboxUrl, streaming);
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

function printBanner(config: ReturnType<typeof loadConfig>, stack: Awaited<ReturnType<typeof startLocalStack>>, sandboxUrl?: string, streaming = false) {
  const rel = (p: string) => path.relative(process.cwd(), p) || '.';
  const queues = taskQueues(config.temporal.taskQueue);
  const rows: [string, string][] = [
    ['Temporal', `${stack.temporal.address}  namespace ${config.temporal.namespace}${stack.temporal.embedded ? `, state in ${rel(path.join(config.dataDir, 'temporal'))}` : ' (existing server)'}`],
  ];
  if (stack.temporal.uiUrl) rows.push(['Temporal Web UI', stack.temporal.uiUrl]);
  rows.push([
    'S3 (lake)',
    `${stack.s3.endpoint}  bucket ${stack.s3.bucket} (versioning ${stack.s3.state.versioning}, Object Lock ${stack.s3.state.objectLock})${stack.s3.embedded ? '' : ' (existing)'}`,
  ]);
  if (stack.s3.consoleUrl) rows.push(['MinIO console', `${stack.s3.consoleUrl}  (credentials in ${rel(path.join(config.dataDir, 'local-credentials.json'))})`]);
  rows.push(['Genesys org', sandboxUrl ? `sandbox (simulator) at ${sandboxUrl}, org ${config.org}` : `${config.genesys.region ?? config.genesys.apiBase}, org ${config.org}`]);
  if (streaming) rows.push(['Stream', `sandbox EventBridge -> s3://${stack.s3.bucket}/${config.ingest.rawPrefix} every ${config.local.simFirehoseSeconds} s; workflow ingest/${config.org}`]);
  rows.push(['Worker', `task queues ${queues.daily} (${config.genesys.requestsPerMinute}/min), ${queues.backfill} (${config.genesys.backfillRequestsPerMinute}/min), ${queues.lake}`]);
  rows.push(['Logs', rel(stack.logDir)]);
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`gcaudit local stack is up\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\nPress Ctrl-C to stop.\n`);
}
