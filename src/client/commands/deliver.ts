import { daysBetween } from '../../days';
import { ConfigError } from '../../errors';
import { workflowIds } from '../../temporal/workflow-ids';
import { KIND, ORG } from '../../temporal/search-attributes';
import { taskQueues } from '../../temporal/task-queues';
import { deliverWorkflow } from '../../workflows';
import { deliverSignal, DeliveryProgress, deliveryProgressQuery } from '../../workflows/deliver';
import { cliConfig, temporalContext } from '../context';
import { EXIT } from '../output';
import { followProgress } from '../progress';
import { parseDayRange } from '../date-range';

export interface DeliverOptions {
  sink: string;
  from: string;
  to: string;
  follow?: boolean;
  json?: boolean;
}

export const SINKS = ['splunk'] as const;
/** A year and a day at once at most: a longer range is a typo more often than a wish. */
const MAX_DAYS = 366;

/** Checks the arguments and that the sink is configured, before anything connects (exit 2). */
export function validateDeliver(opts: DeliverOptions, config = cliConfig()): { sink: 'splunk'; days: string[] } {
  if (!(SINKS as readonly string[]).includes(opts.sink))
    throw new ConfigError(`--sink: expected one of ${SINKS.join(', ')}, got "${opts.sink}"`);
  const { from, to } = parseDayRange(opts.from, opts.to);
  const days = daysBetween(from, to);
  if (days.length > MAX_DAYS)
    throw new ConfigError(`--from ${from} --to ${to}: ${days.length} days; deliver at most ${MAX_DAYS} at once`);
  if (!config.splunk)
    throw new ConfigError(
      'SPLUNK_HEC_URL: not set, so there is no Splunk to deliver to (set SPLUNK_HEC_URL and SPLUNK_HEC_TOKEN on the worker and here)',
    );
  return { sink: 'splunk', days };
}

/**
 * `gcaudit deliver --sink splunk --from --to [--follow]`: asks the sink's delivery workflow
 * (deliver/<org>/<sink>, started when none runs) to deliver the range's sealed days, and follows
 * them with the progress bar. Days already delivered send nothing.
 */
export async function deliver(opts: DeliverOptions): Promise<number> {
  const config = cliConfig();
  const { sink, days } = validateDeliver(opts, config);
  const ctx = await temporalContext(config);
  try {
    const { client } = ctx;
    const queues = taskQueues(config.temporal.taskQueue);
    const workflowId = workflowIds.deliver(config.org, sink);
    const handle = await client.workflow.signalWithStart(deliverWorkflow, {
      workflowId,
      taskQueue: queues.daily,
      args: [{ org: config.org, sink, lakeTaskQueue: queues.lake }],
      signal: deliverSignal,
      signalArgs: [{ days }],
      typedSearchAttributes: [
        { key: ORG, value: config.org },
        { key: KIND, value: 'deliver' },
      ],
      staticSummary: `Deliver sealed days of ${config.org} to Splunk HEC`,
    });
    const range = `${days[0]}..${days.at(-1)}`;
    process.stdout.write(
      opts.json
        ? `${JSON.stringify({ workflowId, days: days.length })}\n`
        : `deliver ${range} to ${sink}: workflow ${workflowId}\n`,
    );
    if (!opts.follow) return EXIT.ok;

    const final = await followProgress<DeliveryProgress>(() => handle.query(deliveryProgressQuery, days), {
      json: opts.json ?? false,
      labels: { requests: 'batches', rateLimited: 'waits' },
    });
    const unsealed = final.days.filter((d) => d.status === 'not sealed').map((d) => d.day);
    if (!opts.json) {
      process.stdout.write(
        `${final.events} events and ${final.days.reduce((n, d) => n + d.findings, 0)} findings sent in ${final.requests} batches (${final.resends} resent); ${final.days.filter((d) => d.status === 'delivered').length} days delivered\n`,
      );
    }
    if (unsealed.length > 0) process.stderr.write(`gcaudit: not sealed, nothing delivered: ${unsealed.join(', ')}\n`);
    if (final.failed.length > 0) {
      process.stderr.write(`gcaudit: days failed: ${final.failed.map((f) => `${f.day} (${f.error})`).join('; ')}\n`);
    }
    return final.failed.length > 0 || unsealed.length > 0 ? EXIT.failure : EXIT.ok;
  } finally {
    await ctx.close();
  }
}
