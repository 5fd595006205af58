import { WorkflowNotFoundError } from '@temporalio/client';
import { startIngest } from '../start-ingest';
import { workflowIds } from '../../temporal/workflow-ids';
import { ingestStatusQuery, pokeSignal } from '../../workflows/ingest';
import { cliConfig, temporalContext } from '../context';
import { EXIT } from '../output';

/**
 * `gcaudit ingest start|status|poke`: the stream ingest of the org. start: starts ingest/<org>
 * (or attaches to the running one); status: its checkpoint, counts, quarantined objects and the
 * rehydrations still retrying; poke: look for new raw objects now.
 */
export async function ingest(action: 'start' | 'status' | 'poke', opts: { json?: boolean }): Promise<number> {
  const config = cliConfig();
  const ctx = await temporalContext(config);
  try {
    const { client } = ctx;
    const workflowId = workflowIds.ingest(config.org);
    const out = (text: string, value: unknown) =>
      process.stdout.write(opts.json ? `${JSON.stringify(value)}\n` : `${text}\n`);
    if (action === 'start') {
      const handle = await startIngest(client, config);
      out(
        `ingest ${workflowId} running (run ${handle.firstExecutionRunId}); reads s3://${config.s3.bucket}/${config.ingest.rawPrefix} every ${config.ingest.pollSeconds} s`,
        {
          workflowId,
          runId: handle.firstExecutionRunId,
        },
      );
      return EXIT.ok;
    }
    const handle = client.workflow.getHandle(workflowId);
    try {
      if (action === 'poke') {
        await handle.signal(pokeSignal);
        out(`poked ${workflowId}`, { workflowId, signal: 'poke' });
        return EXIT.ok;
      }
      const status = await handle.query(ingestStatusQuery);
      const pending = await client.workflow.count(
        `GcauditKind = "rehydrate" AND GcauditOrg = "${config.org}" AND ExecutionStatus = "Running"`,
      );
      const value = { workflowId, ...status, pendingRehydrations: pending.count };
      out(
        [
          `ingest ${workflowId}: ${status.phase}, last poll ${status.lastPollAt ?? 'never'}`,
          `  checkpoint   ${status.lastKey ?? '(nothing processed yet)'} (+${status.recentKeys} recent keys in the grace window)`,
          `  processed    ${status.objects} objects, ${status.events} events, ${status.rows} rows, ${status.duplicates} duplicate envelopes`,
          `  quarantined  ${status.quarantinedObjects} objects (${status.failedObjects} after failures), ${status.quarantinedLines} lines; ${status.partialObjects} objects partly`,
          `  rehydration  ${status.rehydrationsStarted} started, ${pending.count} still retrying`,
          ...status.lastQuarantined.map((q) => `  quarantined: ${q.key}: ${q.reasons.join('; ')}`),
        ].join('\n'),
        value,
      );
      return EXIT.ok;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        process.stderr.write(`gcaudit: no ingest workflow ${workflowId}; start it with "gcaudit ingest start"\n`);
        return EXIT.failure;
      }
      throw err;
    }
  } finally {
    await ctx.close();
  }
}
