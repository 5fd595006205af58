import { addDays, dayOf } from '../../days';
import { completenessLine } from '../../lake/completeness';
import { ManifestChain } from '../../lake/manifest-chain';
import { gaps, sealedDays } from '../../lake/sealed-days';
import { backfillProgressQuery, BackfillProgress, resumeCommand } from '../../workflows/backfill';
import { describeDailySchedule, ScheduleStatus } from '../schedule';
import { dayDeliveryState, DayDeliveryState } from '../../delivery/day-state';
import { workflowIds } from '../../temporal/workflow-ids';
import { DeliveryProgress, deliveryProgressQuery } from '../../workflows/deliver';
import { cliConfig, lakeContext, temporalContext } from '../context';
import { EXIT } from '../output';

export interface StatusReport {
  org: string;
  lastSealedDay: { day: string; version: number; events: number } | null;
  sealedInRetention: number;
  retentionDays: number;
  gaps: Array<{ from: string; to: string }>;
  schedule: ScheduleStatus;
  backfills: Array<{ workflowId: string; progress: BackfillProgress | null }>;
  /** With a sink configured: the delivery state of the last sealed days, from the ledger. */
  delivery?: {
    sink: string;
    days: DayDeliveryState[];
    workflow: { workflowId: string; progress: DeliveryProgress | null } | null;
  };
  /** The signed completeness attestations of the most recent sealed days (latest seal of each), newest first. */
  completeness: Array<{
    day: string;
    version: number;
    verdict: 'complete' | 'incomplete' | 'not attested';
    reasons: string[];
    api: number | null;
    stream: number | null;
    lake: number | null;
  }>;
}

/** Sealed days whose delivery state `gcaudit status` shows. */
const DELIVERY_DAYS_SHOWN = 7;

/** How many recent sealed days `gcaudit status` shows the completeness of. */
const COMPLETENESS_DAYS = 7;

/** `gcaudit status`: last sealed day, gaps inside the API's retention, the schedule, running backfills. */
export async function status(opts: { json?: boolean }): Promise<number> {
  const config = cliConfig();
  const lake = lakeContext(config);
  const ctx = await temporalContext(config).catch((err: unknown) => {
    lake.close();
    throw err;
  });
  try {
    const { client } = ctx;
    const yesterday = addDays(dayOf(Date.now()), -1);
    const oldest = addDays(yesterday, -(config.collection.apiRetentionDays - 2));
    const sealed = await sealedDays(lake.lake, config.org);
    const last = [...sealed].sort().at(-1);
    let lastSealedDay: StatusReport['lastSealedDay'] = null;
    const chain = new ManifestChain(lake.lake, config.org);
    const completeness: StatusReport['completeness'] = [];
    for (const day of [...sealed].sort().reverse().slice(0, COMPLETENESS_DAYS)) {
      const m = (await chain.dayManifests(day)).at(-1);
      if (!m) continue;
      if (day === last) lastSealedDay = { day, version: m.version, events: m.dayTotals.events };
      const a = m.completeness;
      completeness.push({
        day,
        version: m.version,
        verdict: a?.verdict ?? 'not attested',
        reasons: a?.reasons ?? [],
        api: a?.totals.api ?? null,
        stream: a?.totals.stream ?? null,
        lake: a?.totals.lake ?? null,
      });
    }
    const backfills: StatusReport['backfills'] = [];
    for await (const wf of client.workflow.list({
      query: `GcauditKind = "backfill" AND GcauditOrg = "${config.org}" AND ExecutionStatus = "Running"`,
    })) {
      const progress = await client.workflow
        .getHandle(wf.workflowId)
        .query(backfillProgressQuery)
        .catch(() => null);
      backfills.push({ workflowId: wf.workflowId, progress });
    }
    let delivery: StatusReport['delivery'];
    if (config.splunk) {
      const days: DayDeliveryState[] = [];
      for (const day of [...sealed].sort().slice(-DELIVERY_DAYS_SHOWN))
        days.push(await dayDeliveryState(lake.lake, config.org, 'splunk', day));
      const workflowId = workflowIds.deliver(config.org, 'splunk');
      let workflow: NonNullable<StatusReport['delivery']>['workflow'] = null;
      const running = await client.workflow
        .getHandle(workflowId)
        .describe()
        .then(
          (d) => d.status.name === 'RUNNING',
          () => false,
        );
      if (running)
        workflow = {
          workflowId,
          progress: await client.workflow
            .getHandle(workflowId)
            .query(deliveryProgressQuery)
            .catch(() => null),
        };
      delivery = { sink: 'splunk', days, workflow };
    }
    const report: StatusReport = {
      org: config.org,
      lastSealedDay,
      sealedInRetention: [...sealed].filter((d) => d >= oldest && d <= yesterday).length,
      retentionDays: config.collection.apiRetentionDays,
      gaps: gaps(sealed, oldest, yesterday),
      schedule: await describeDailySchedule(client, config.org),
      backfills,
      delivery,
      completeness,
    };
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } else {
      const lines = [
        `org ${report.org}`,
        `  last sealed day   ${lastSealedDay ? `${lastSealedDay.day} (version ${lastSealedDay.version}, ${lastSealedDay.events} events)` : 'none yet'}`,
        `  sealed days       ${report.sealedInRetention} of the ${oldest}..${yesterday} window the API still serves`,
        `  gaps              ${report.gaps.length ? report.gaps.map((g) => (g.from === g.to ? g.from : `${g.from}..${g.to}`)).join(', ') : 'none'}`,
        `  daily schedule    ${report.schedule.exists ? (report.schedule.paused ? 'PAUSED' : `active, next ${report.schedule.nextRuns?.[0] ?? '?'}`) : 'not created (gcaudit schedule apply)'}`,
        `  backfills running ${backfills.length ? '' : 'none'}`,
        ...backfills.flatMap((b) => describeBackfill(b.workflowId, b.progress)),
        `  completeness      ${completeness.length ? `signed attestations of the last ${completeness.length} sealed days` : 'no sealed day yet'}`,
        ...completeness.map(
          (c) =>
            `    ${c.day} v${c.version}  ${c.verdict === 'not attested' ? 'not attested (sealed before attestations existed)' : `${completenessLine({ verdict: c.verdict, reasons: c.reasons })}  (api ${c.api}, stream ${c.stream ?? '-'}, lake ${c.lake})`}`,
        ),
      ];
      if (delivery) {
        const w = delivery.workflow;
        lines.push(
          `  delivery (${delivery.sink})${w ? `  ${w.workflowId} running${w.progress ? `: ${w.progress.daysDone}/${w.progress.daysTotal} days, ${w.progress.state}` : ''}` : ''}`,
        );
        for (const d of delivery.days) {
          const detail =
            d.state === 'delivered' || d.state === 'partial'
              ? `, ${d.events} events, ${d.findings} findings${d.resends ? `, ${d.resends} resent` : ''}${d.lastReceiptAt ? `, receipt ${d.lastReceiptAt}` : ''}`
              : '';
          lines.push(
            `    ${d.day}  ${d.state}${d.pendingParts && d.state !== 'not delivered' ? ` (${d.pendingParts} parts pending)` : ''}${detail}`,
          );
        }
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return EXIT.ok;
  } finally {
    lake.close();
    await ctx.close();
  }
}

/** A backfill's line; a paused one also lists its failed days with their causes and the command that resumes it. */
function describeBackfill(workflowId: string, p: BackfillProgress | null): string[] {
  if (!p) return [`    ${workflowId}  progress unavailable`];
  const lines = [
    `    ${workflowId}  ${p.daysDone}/${p.daysTotal} days, ${p.state === 'paused' ? 'PAUSED' : p.state}${p.failed.length ? `, ${p.failed.length} failed` : ''}`,
  ];
  for (const f of p.failed) lines.push(`      failed ${f.day}: ${f.error}`);
  if (p.paused)
    lines.push(`      resume with: ${resumeCommand(p)}${p.failed.length ? ' (failed days are retried first)' : ''}`);
  return lines;
}
