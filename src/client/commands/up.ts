import * as path from 'node:path';
import { loadConfig } from '../../config/config';
import { createActivities } from '../../activities';
import { createS3Client } from '../../s3/client';
import { startLocalStack } from '../../stack/local-stack';
import { connectWorker } from '../../temporal/connection';
import { createWorker } from '../../worker/worker';
import { prebuiltWorkflowBundle } from '../../worker/workflow-bundle';

/**
 * `gcaudit up`: the embedded local stack in one process tree. Ctrl-C stops the worker first
 * (it finishes its current tasks), then the servers; their state stays in the data dir, so the
 * next `gcaudit up` resumes where this one stopped.
 */
export async function up(): Promise<void> {
  const config = loadConfig();
  const workflowBundle = prebuiltWorkflowBundle();
  const stack = await startLocalStack(config);
  try {
    const connection = await connectWorker({ ...config, temporal: { ...config.temporal, address: stack.temporal.address } });
    const worker = await createWorker({
      connection,
      config,
      activities: createActivities({ config, s3: createS3Client(config) }),
      workflowBundle,
    });
    const rel = (p: string) => path.relative(process.cwd(), p) || '.';
    const rows: [string, string][] = [
      ['Temporal', `${stack.temporal.address}  namespace ${config.temporal.namespace}${stack.temporal.embedded ? `, state in ${rel(path.join(config.dataDir, 'temporal'))}` : ' (existing server)'}`],
    ];
    if (stack.temporal.uiUrl) rows.push(['Temporal Web UI', stack.temporal.uiUrl]);
    rows.push([
      'S3 (lake)',
      `${stack.s3.endpoint}  bucket ${stack.s3.bucket} (versioning ${stack.s3.state.versioning}, Object Lock ${stack.s3.state.objectLock})${stack.s3.embedded ? '' : ' (existing)'}`,
    ]);
    if (stack.s3.consoleUrl) rows.push(['MinIO console', `${stack.s3.consoleUrl}  (credentials in ${rel(path.join(config.dataDir, 'local-credentials.json'))})`]);
    rows.push(['Worker', `task queue ${config.temporal.taskQueue}`]);
    rows.push(['Logs', rel(stack.logDir)]);
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(`gcaudit local stack is up\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\nPress Ctrl-C to stop.\n`);

    // The worker's runtime shuts it down on SIGINT/SIGTERM; run() then resolves.
    await worker.run();
    await connection.close();
  } finally {
    process.stdout.write('stopping the local stack...\n');
    await stack.stop();
    process.stdout.write('stopped.\n');
  }
}
