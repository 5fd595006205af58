import { WorkflowFailedError } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { daysBetween } from '../../days';
import { ConfigError } from '../../errors';
import { DAY, KIND, ORG } from '../../temporal/search-attributes';
import { taskQueues } from '../../temporal/task-queues';
import { workflowIds } from '../../temporal/workflow-ids';
import { accessSnapshotWorkflow } from '../../workflows';
import type { AccessSnapshotSummary } from '../../workflows/access-snapshot';
import { cliConfig, temporalContext } from '../context';
import { parseDayRange } from '../date-range';
import { EXIT } from '../output';
import { formatTable } from './table';

export interface AccessSnapshotOptions {
  day: string;
  /** Last day of a range (default: --day alone). */
  to?: string;
  json?: boolean;
}

/** A snapshot costs the daily budget's requests: a month at once at most. */
const MAX_DAYS = 31;

type DayOutcome = { day: string; workflowId: string } & (
  { ok: true; summary: AccessSnapshotSummary } | { ok: false; error: string }
);

/**
 * `gcaudit access snapshot --day D [--to D2]`: the access snapshot of each day (the workflow
 * access-snapshot/<org>/<day>, the one the daily schedule starts), one after the other on the
 * daily queue and its budget, and what each holds. A day must be sealed first; a day that has
 * its snapshot already writes nothing. Note that Genesys answers today's configuration: a day in
 * the past gets the state at the time of the run, filed under that day.
 */
export async function accessSnapshot(opts: AccessSnapshotOptions): Promise<number> {
  const { from, to } = dayRange(opts);
  const days = daysBetween(from, to);
  if (days.length > MAX_DAYS)
    throw new ConfigError(`--day ${from} --to ${to}: ${days.length} days; snapshot at most ${MAX_DAYS} at once`);
  const config = cliConfig();
  const ctx = await temporalContext(config);
  try {
    const queues = taskQueues(config.temporal.taskQueue);
    const outcomes: DayOutcome[] = [];
    for (const day of days) {
      const workflowId = workflowIds.accessSnapshot(config.org, day);
      let summary: AccessSnapshotSummary;
      try {
        try {
          summary = await ctx.client.workflow.execute(accessSnapshotWorkflow, {
            workflowId,
            taskQueue: queues.daily,
            args: [{ org: config.org, day, lakeTaskQueue: queues.lake, trigger: 'manual' }],
            typedSearchAttributes: [
              { key: ORG, value: config.org },
              { key: DAY, value: day },
              { key: KIND, value: 'access-snapshot' },
            ],
            staticSummary: `Access snapshot of ${day} for ${config.org} (gcaudit access snapshot)`,
          });
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          // The daily run (or another CLI) is taking it: wait for that one.
          summary = await ctx.client.workflow.getHandle(workflowId).result();
        }
        outcomes.push({ day, workflowId, ok: true, summary });
      } catch (err) {
        if (!(err instanceof WorkflowFailedError)) throw err;
        outcomes.push({ day, workflowId, ok: false, error: rootMessage(err) });
      }
    }
    print(outcomes, opts.json ?? false);
    return outcomes.every((o) => o.ok) ? EXIT.ok : EXIT.failure;
  } finally {
    await ctx.close();
  }
}

/** The range parser's rules and messages, with --day for its first day. */
function dayRange(opts: AccessSnapshotOptions): { from: string; to: string } {
  try {
    return parseDayRange(opts.day, opts.to ?? opts.day);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(err.message.replace(/--from\b/g, '--day'));
    throw err;
  }
}

function print(outcomes: DayOutcome[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ days: outcomes })}\n`);
    return;
  }
  const rows = outcomes.map((o) => {
    if (!o.ok) return [o.day, 'failed', '-', '-', '-', o.error];
    const s = o.summary;
    if (s.status === 'skipped') return [o.day, 'skipped', '-', '-', '-', s.reason];
    return [
      o.day,
      s.changed ? `written v${s.version}` : `unchanged v${s.version}`,
      s.objects
        .filter((x) => x.table !== 'access_coverage')
        .map((x) => `${x.table.replace(/^access_/, '')} ${x.rows}`)
        .join(', '),
      s.notReadable.map((n) => `${n.table.replace(/^access_/, '')} (${n.missingPermission ?? '?'})`).join(', ') ||
        'none',
      String(s.requests),
      '',
    ];
  });
  process.stdout.write(formatTable(['day', 'snapshot', 'rows', 'not readable', 'requests', 'note'], rows));
  if (outcomes.some((o) => o.ok && o.summary.status === 'written' && o.summary.notReadable.length))
    process.stdout.write(
      'not readable: the OAuth client lacks the permission named; those tables are unknown for the day, not empty (see the privilege check of `gcaudit up`)\n',
    );
}

/** The innermost cause of a failed workflow: the activity's own typed message. */
function rootMessage(err: WorkflowFailedError): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
