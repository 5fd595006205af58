import { Client, WorkflowIdConflictPolicy, WorkflowNotFoundError } from '@temporalio/client';
import { collectProgressQuery } from '../../workflows/collect-day';
import { KIND, ORG } from '../../temporal/search-attributes';
import { taskQueues } from '../../temporal/task-queues';
import { backfillWorkflow } from '../../workflows';
import {
  backfillProgressQuery,
  BackfillProgress,
  pauseSignal,
  resumeCommand,
  resumeSignal,
} from '../../workflows/backfill';
import { parseDayRange } from '../date-range';
import { cliConfig, temporalContext } from '../context';
import { ConfigError } from '../../errors';
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
  const config = cliConfig();
  // Pause and resume address a backfill already running: its range was checked when it started.
  const { from, to } = parseDayRange(
    opts.from,
    opts.to,
    opts.pause || opts.resume ? {} : { collectable: { retentionDays: config.collection.apiRetentionDays } },
  );
  const concurrency = opts.concurrency ? Number(opts.concurrency) : config.collection.backfillConcurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new ConfigError(`--concurrency: expected a whole number from 1 to 64, got "${opts.concurrency}"`);
  }
  const ctx = await temporalContext(config);
  try {
    const { client } = ctx;
    const workflowId = workflowIds.backfill(config.org, from, to);
    const out = (text: string, value: unknown) =>
      process.stdout.write(opts.json ? `${JSON.stringify(value)}\n` : `${text}\n`);

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
      out(`${opts.pause ? 'paused' : 'resumed'} ${workflowId}`, {
        workflowId,
        signal: opts.pause ? 'pause' : 'resume',
      });
      return EXIT.ok;
    }

    const queues = taskQueues(config.temporal.taskQueue);
    const handle = await client.workflow.start(backfillWorkflow, {
      workflowId,
      taskQueue: queues.daily,
      args: [
        {
          org: config.org,
          from,
          to,
          concurrency,
          pauseAfterFailedDays: config.collection.backfillPauseAfterFailedDays,
          apiTaskQueue: queues.backfill,
          lakeTaskQueue: queues.lake,
        },
      ],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      typedSearchAttributes: [
        { key: ORG, value: config.org },
        { key: KIND, value: 'backfill' },
      ],
      staticSummary: `Backfill ${from}..${to} for ${config.org} (${concurrency} days at a time; pauses after ${config.collection.backfillPauseAfterFailedDays} failed days, or at the end if any day failed)`,
    });
    out(`backfill ${workflowId} (run ${handle.firstExecutionRunId}); Web UI: workflow id ${workflowId}`, {
      workflowId,
      runId: handle.firstExecutionRunId,
    });
    if (!opts.follow) return EXIT.ok;

    const final = await followProgress<BackfillProgress>(
      () => liveProgress(client, config.org, handle.query(backfillProgressQuery)),
      { json: opts.json ?? false },
    );
    if (final.failed.length > 0) {
      process.stderr.write(failureMessage(workflowId, final));
      return EXIT.failure;
    }
    return EXIT.ok;
  } finally {
    await ctx.close();
  }
}

/**
 * The backfill's progress with the days under way included: its totals count finished days
 * only, so the events and requests the running collect-day children have so far are added
 * (from their own progress query), and a follower sees the numbers move within a day.
 */
export async function liveProgress(
  client: Client,
  org: string,
  backfillProgress: Promise<BackfillProgress>,
): Promise<BackfillProgress> {
  const p = await backfillProgress;
  const running = await Promise.all(
    p.running.map((day) =>
      client.workflow
        .getHandle(`collect-day/${org}/${day}`)
        .query(collectProgressQuery)
        .catch(() => null),
    ),
  );
  for (const c of running) {
    if (!c) continue;
    p.events += c.events;
    p.requests += c.requests;
    p.rateLimited += c.rateLimited;
  }
  return p;
}

/** Each failed day with the root cause of its failure, that the backfill is paused, and the command that resumes it. */
export function failureMessage(workflowId: string, p: BackfillProgress): string {
  const days = p.failed.length === 1 ? '1 day' : `${p.failed.length} days`;
  return [
    `gcaudit: ${days} of backfill ${workflowId} failed; the backfill is ${p.paused ? 'paused' : p.state}:`,
    ...p.failed.map((f) => `  ${f.day}: ${f.error}`),
    `Fix the cause, then resume it (failed days are retried first): ${resumeCommand(p)}`,
    '',
  ].join('\n');
}
