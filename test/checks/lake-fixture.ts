/** A lake with simulator days collected through the real collect-day workflow, for check tests. */
import { Config } from '../../src/config/config';
import { startSimulator, Simulator } from '../../src/sim';
import { collectDayWorkflow } from '../../src/workflows';
import { freshLake, sandboxEnv } from '../harness/env';
import { startTestWorkers, TestWorkers } from '../harness/workers';

export interface CheckLake {
  sim: Simulator;
  config: Config;
  workers: TestWorkers;
  org: string;
  /** A weekday carrying every anomaly kind. */
  anomalyDay: string;
  /** A weekday without anomalies. */
  normalDay: string;
  collect(day: string): Promise<{ version: number; changed: boolean }>;
  stop(): Promise<void>;
}

export async function checkLake(opts: {
  seed: string;
  org: string;
  env?: Record<string, string>;
  configure?: (config: Config) => Promise<void>;
}): Promise<CheckLake> {
  const sim = await startSimulator({ seed: opts.seed, eventsPerDay: 1200, rateLimitPerMinute: 100_000 });
  const { anomalyDay, normalDay } = checkDays(sim);
  const { config, s3 } = await freshLake({
    GCAUDIT_ORG: opts.org,
    LAKE_RETENTION_DAYS: '1',
    ...sandboxEnv(sim),
    GENESYS_REQUESTS_PER_MINUTE: '6000',
    BACKFILL_REQUESTS_PER_MINUTE: '3000',
    GENESYS_ORG_REQUESTS_PER_MINUTE: '10000',
    CHECKS_SYSTEM_USER_IDS: sim.truth(anomalyDay).systemUserIds.join(','),
    ...opts.env,
  });
  s3.destroy();
  await opts.configure?.(config);
  const workers = await startTestWorkers(config);
  return {
    sim,
    config,
    workers,
    org: opts.org,
    anomalyDay,
    normalDay,
    collect: (day) =>
      workers.client.workflow.execute(collectDayWorkflow, {
        taskQueue: workers.queues.daily,
        workflowId: `collect-day/${opts.org}/${day}`,
        args: [{ org: opts.org, day, lakeTaskQueue: workers.queues.lake }],
      }),
    async stop() {
      await workers.stop();
      await sim.close();
    },
  };
}

/** The simulator's last day with every anomaly kind, and a weekday without anomalies before it. */
export function checkDays(sim: Simulator): { anomalyDay: string; normalDay: string } {
  const recent = sim.anomalyDays({ from: '2026-10-01', to: '2026-11-20' });
  const anomalyDay = recent.filter((d) => d.full).at(-1)!.day;
  const anomalous = new Set(recent.map((d) => d.day));
  let normalDay = anomalyDay;
  for (let i = 1; i < 30; i++) {
    const d = new Date(Date.parse(`${anomalyDay}T00:00:00Z`) - i * 86_400_000);
    const wd = d.getUTCDay();
    const day = d.toISOString().slice(0, 10);
    if (wd >= 1 && wd <= 5 && !anomalous.has(day)) {
      normalDay = day;
      break;
    }
  }
  return { anomalyDay, normalDay };
}

export const dayWindow = (day: string, nextDay: string) => ({
  from: `${day}T00:00:00.000Z`,
  to: `${nextDay}T00:00:00.000Z`,
});
