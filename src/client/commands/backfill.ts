import { WorkflowIdConflictPolicy, WorkflowNotFoundError } from '@temporalio/client';
import { KIND, ORG } from '../../temporal/search-attributes';
import { taskQueues } from '../../temporal/task-queues';
import { backfillWorkflow } from '../../workflows';
import { backfillProgressQuery, BackfillProgress, pauseSignal, resumeSignal } from '../../workflows/backfill';
import { validateRange } from '../date-range';
import { temporalContext } from '../context';
import { EXIT } from '../output';
import { followProgress } from '../progress';
import { workflowIds } from '../../temporal/workflow-ids';

export interface BackfillOptions {
  from: string;
  to: string;
  follow?: boolean;
  pause?: boolean;
  resume?: boolean;
  concurrency?: string;
  json?: boolean;
}

/**
 * `gcaudit backfill --from --to [--follow]`: starts the backfill of a range (or attaches to the
 * one already running for it), and follows its progress; --pause / --resume signal it.
 */
export async function backfill(opts: BackfillOptions): Promise<number> {
  const ctx = await temporalContext();
  try {
    const { config, client } = ctx;
    const { from, to } = validateRange(opts.from, opts.to, { retentionDays: config.collection.apiRetentionDays });
    const workflowId = workflowIds.backfill(config.org, from, to);
    const out = (text: string, value: unknown) => process.stdout.write(opts.json ? `${JSON.stringify(value)}\n` : `${text}\n`);

    if (opts.pause || opts.resume) {
      const handle = client.workflow.getHandle(workflowId);
      try {
        await handle.signal(opts.pause ? pauseSignal : resumeSignal);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          process.stderr.write(`gcaudit: no running backfill ${workflowId}\n`);
          return EXIT.failure;
        }
        throw err;
      }
      out(`${opts.pause ? 'paused' : 'resumed'} ${workflowId}`, { workflowId, signal: opts.pause ? 'pause' : 'resume' });
      return EXIT.ok;
    }

    const concurrency = opts.concurrency ? Number(opts.concurrency) : config.collection.backfillConcurrency;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      process.stderr.write(`gcaudit: --concurrency: expected a whole number from 1 to 64, got "${opts.concurrency}"\n`);
      return EXIT.usage;
    }
    const queues = taskQueues(config.temporal.taskQueue);
    const handle = await client.workflow.start(backfillWorkflow, {
      workflowId,
      taskQueue: queues.backfill,
      args: [{ org: config.org, from, to, concurrency, lakeTaskQueue: queues.lake }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      typedSearchAttributes: [
        { key: ORG, value: config.org },
        { key: KIND, value: 'backfill' },
      ],
      staticSummary: `Backfill ${from}..${to} for ${config.org} (${concurrency} days at a time)`,
    });
    out(`backfill ${workflowId} (run ${handle.firstExecutionRunId}); Web UI: workflow id ${workflowId}`, { workflowId, runId: handle.firstExecutionRunId });
    if (!opts.follow) return EXIT.ok;

    const final = await followProgress<BackfillProgress>(() => handle.query(backfillProgressQuery), { json: opts.json ?? false });
    if (final.failed.length > 0) {
      process.stderr.write(`gcaudit: days failed: ${final.failed.map((f) => `${f.day} (${f.error})`).join('; ')}\n`);
      return EXIT.failure;
    }
    return EXIT.ok;
  } finally {
    await ctx.close();
  }
}
