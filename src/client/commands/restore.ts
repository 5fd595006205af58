import * as path from 'node:path';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ConfigError } from '../../errors';
import { KIND, ORG } from '../../temporal/search-attributes';
import { taskQueues } from '../../temporal/task-queues';
import { AfterRestore, archiveRestoreWorkflow } from '../../workflows/archive-restore';
import { parseDayRange } from '../date-range';
import { cliConfig, temporalContext } from '../context';
import { EXIT } from '../output';
import { workflowIds } from '../../temporal/workflow-ids';

export interface RestoreCommandOptions {
  from: string;
  to: string;
  then?: string;
  out?: string;
  wait?: boolean;
  json?: boolean;
}

const ACTIONS: AfterRestore[] = ['none', 'checks', 'verify', 'export'];

/** `gcaudit restore`: starts archive-restore/<org>/<from>..<to> (or attaches to the running one). */
export async function restore(opts: RestoreCommandOptions): Promise<number> {
  const range = parseDayRange(opts.from, opts.to);
  const then = (opts.then ?? 'none') as AfterRestore;
  if (!ACTIONS.includes(then))
    throw new ConfigError(`--then: expected one of ${ACTIONS.join(', ')}, got "${opts.then}"`);
  if (then === 'export' && !opts.out)
    throw new ConfigError("--then export needs --out DIR (a directory on the worker's machine)");
  const config = cliConfig();
  const ctx = await temporalContext(config);
  try {
    const { client } = ctx;
    const queues = taskQueues(config.temporal.taskQueue);
    const workflowId = workflowIds.archiveRestore(config.org, range.from, range.to);
    let handle;
    try {
      handle = await client.workflow.start(archiveRestoreWorkflow, {
        workflowId,
        taskQueue: queues.daily,
        args: [
          {
            org: config.org,
            ...range,
            then,
            outDir: opts.out ? path.resolve(opts.out) : undefined,
            lakeTaskQueue: queues.lake,
            maxWaitHours: config.restore.maxWaitHours,
            restoreDays: config.restore.days,
            tier: config.restore.tier,
          },
        ],
        typedSearchAttributes: [
          { key: ORG, value: config.org },
          { key: KIND, value: 'archive-restore' },
        ],
        staticSummary: `restore archived parts of ${range.from}..${range.to}, then ${then}`,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      handle = client.workflow.getHandle(workflowId);
    }
    if (!opts.wait) {
      process.stdout.write(
        opts.json
          ? `${JSON.stringify({ workflowId })}\n`
          : `started ${workflowId}; follow it in the Temporal Web UI (GcauditKind="archive-restore")\n`,
      );
      return EXIT.ok;
    }
    const result = await handle.result();
    if (opts.json) process.stdout.write(`${JSON.stringify({ workflowId, result })}\n`);
    else {
      process.stdout.write(
        `${workflowId}: ${result.archived} of ${result.parts} parts were archived; ${result.requested} restores requested, ready after ${result.waitedSeconds} s${result.restoredUntil ? ` (readable until ${result.restoredUntil})` : ''}\n` +
          (result.verify
            ? `verify: ${result.verify.ok ? 'OK' : `FAILED (${result.verify.problems} problems)`}\n`
            : '') +
          (result.checks ? `checks: ${result.checks.findings} findings\n` : '') +
          (result.export ? `export: ${result.export.outDir} (${result.export.files} files)\n` : ''),
      );
    }
    if (result.verify && !result.verify.ok) return EXIT.failure;
    if (result.checks && result.checks.findings > 0) return EXIT.findings;
    return EXIT.ok;
  } finally {
    await ctx.close();
  }
}
