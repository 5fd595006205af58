import { ScheduleNotFoundError } from '@temporalio/client';
import {
  applyDailySchedule,
  applyRecrawlSchedule,
  dailyScheduleId,
  describeDailySchedule,
  recrawlScheduleId,
} from '../schedule';
import { cliConfig, temporalContext } from '../context';
import { EXIT } from '../output';

export type ScheduleAction = 'apply' | 'pause' | 'resume' | 'status';

/** `gcaudit schedule apply|pause|resume|status` for the daily collection schedule (the action is one of the CLI's choices). */
export async function schedule(action: ScheduleAction, opts: { json?: boolean }): Promise<number> {
  const config = cliConfig();
  const ctx = await temporalContext(config);
  try {
    const { client } = ctx;
    const id = dailyScheduleId(config.org);
    const print = (value: object, text: string) =>
      process.stdout.write(opts.json ? `${JSON.stringify(value)}\n` : `${text}\n`);
    switch (action) {
      case 'apply': {
        const result = await applyDailySchedule(client, config);
        const s = await describeDailySchedule(client, config.org);
        const recrawl = await applyRecrawlSchedule(client, config);
        print(
          { ...s, result, recrawl: { scheduleId: recrawlScheduleId(config.org), result: recrawl } },
          `schedule ${id} ${result}; next runs: ${s.nextRuns?.join(', ')}\nschedule ${recrawlScheduleId(config.org)} ${recrawl} (nightly schema recrawl at ${config.schema.recrawlHour}:00 UTC)`,
        );
        return EXIT.ok;
      }
      case 'pause':
      case 'resume': {
        try {
          const handle = client.schedule.getHandle(id);
          if (action === 'pause') await handle.pause('paused with gcaudit schedule pause');
          else await handle.unpause('resumed with gcaudit schedule resume');
        } catch (err) {
          if (!(err instanceof ScheduleNotFoundError)) throw err;
          process.stderr.write(`gcaudit: schedule ${id} does not exist; create it with "gcaudit schedule apply"\n`);
          return EXIT.failure;
        }
        print(
          { scheduleId: id, paused: action === 'pause' },
          `schedule ${id} ${action === 'pause' ? 'paused' : 'resumed'}`,
        );
        return EXIT.ok;
      }
      case 'status': {
        const s = await describeDailySchedule(client, config.org);
        if (!s.exists) {
          print(s, `schedule ${id} does not exist; create it with "gcaudit schedule apply"`);
          return EXIT.failure;
        }
        print(
          s,
          [
            `schedule ${id}: ${s.paused ? `PAUSED${s.note ? ` (${s.note})` : ''}` : 'active'}`,
            `  next runs: ${s.nextRuns?.join(', ') || 'none'}`,
            ...(s.recentRuns ?? []).map((r) => `  ran ${r.scheduledAt}: ${r.workflowId}`),
          ].join('\n'),
        );
        return EXIT.ok;
      }
    }
  } finally {
    await ctx.close();
  }
}
