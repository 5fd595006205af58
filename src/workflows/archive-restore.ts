import {
  ApplicationFailure,
  defineQuery,
  executeChild,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { createEvidenceActivities, VerifySummary } from '../activities/evidence';
import type { createRestoreActivities, RestoreCheck } from '../activities/restore';
import type { RunChecksSummary } from '../activities/checks';
import { addDays } from '../days';
import { runChecksWorkflow } from './run-checks';
import { RETRY } from './retry-policies';
import { workflowIds } from '../temporal/workflow-ids';

type Activities = ReturnType<typeof createRestoreActivities> & ReturnType<typeof createEvidenceActivities>;

export type AfterRestore = 'none' | 'checks' | 'verify' | 'export';

export interface ArchiveRestoreInput {
  org: string;
  /** UTC days, inclusive. */
  from: string;
  to: string;
  then: AfterRestore;
  /** With then=export: the package directory on the worker's machine. */
  outDir?: string;
  /** Lake task queue (S3 and DuckDB work); default this workflow's. */
  lakeTaskQueue?: string;
  /** Give up after this long (default 48 h; RESTORE_MAX_WAIT_HOURS from the CLI). */
  maxWaitHours?: number;
  /** First poll after this many seconds, doubling up to pollMaxSeconds (defaults 60 and 1800). */
  pollInitialSeconds?: number;
  pollMaxSeconds?: number;
  restoreDays?: number;
  tier?: 'Expedited' | 'Standard' | 'Bulk';
}

export interface ArchiveRestoreProgress {
  state: 'listing' | 'restoring' | 'waiting' | 'running' | 'done';
  parts: number;
  archived: number;
  ready: number;
  polls: number;
  waitedSeconds: number;
}

export interface ArchiveRestoreResult extends ArchiveRestoreProgress {
  requested: number;
  inProgress: number;
  alreadyRestored: number;
  restoredUntil?: string;
  then: AfterRestore;
  checks?: RunChecksSummary;
  verify?: VerifySummary;
  export?: { outDir: string; files: number; verificationOk: boolean; findings: number };
}

export const archiveRestoreProgressQuery = defineQuery<ArchiveRestoreProgress>('progress');

/**
 * Makes archived event parts of a range readable, then runs what was asked (checks, verify or an
 * evidence export). RestoreObject is requested once per part (repeats are harmless); the wait is
 * a series of durable timers with backoff, so a restore that takes S3 twelve hours costs a few
 * dozen workflow events and survives worker restarts.
 */
export async function archiveRestoreWorkflow(input: ArchiveRestoreInput): Promise<ArchiveRestoreResult> {
  const lake = proxyActivities<Activities>({
    taskQueue: input.lakeTaskQueue ?? workflowInfo().taskQueue,
    startToCloseTimeout: '60 minutes',
    heartbeatTimeout: '2 minutes',
    retry: RETRY.archiveRestore,
  });
  const progress: ArchiveRestoreProgress = {
    state: 'listing',
    parts: 0,
    archived: 0,
    ready: 0,
    polls: 0,
    waitedSeconds: 0,
  };
  setHandler(archiveRestoreProgressQuery, () => progress);
  if (input.then === 'export' && !input.outDir)
    throw ApplicationFailure.nonRetryable('then=export needs outDir', 'ConfigError');

  const { parts, archived } = await lake.listArchivedParts({ org: input.org, from: input.from, to: input.to });
  Object.assign(progress, { parts, archived: archived.length, ready: 0 });
  setCurrentDetails(`${input.from}..${input.to}: ${archived.length} of ${parts} parts archived`);

  let requests = { requested: 0, inProgress: 0, alreadyRestored: 0 };
  let restoredUntil: string | undefined;
  if (archived.length > 0) {
    progress.state = 'restoring';
    requests = await lake.requestRestores({ parts: archived, days: input.restoreDays, tier: input.tier });
    progress.state = 'waiting';
    const started = Date.now();
    const deadline = started + (input.maxWaitHours ?? 48) * 3_600_000;
    let interval = (input.pollInitialSeconds ?? 60) * 1000;
    const maxInterval = (input.pollMaxSeconds ?? 1800) * 1000;
    let check: RestoreCheck = { ready: 0, pending: archived.length, pendingKeys: [] };
    while (check.pending > 0) {
      if (Date.now() >= deadline) {
        throw ApplicationFailure.nonRetryable(
          `${check.pending} of ${archived.length} archived parts were not restored within ${input.maxWaitHours ?? 48} hours (e.g. ${check.pendingKeys.join(', ')})`,
          'RestoreTimeout',
        );
      }
      await sleep(Math.min(interval, Math.max(1000, deadline - Date.now())));
      interval = Math.min(interval * 2, maxInterval);
      check = await lake.checkRestores({ parts: archived });
      progress.polls++;
      progress.ready = check.ready;
      progress.waitedSeconds = Math.round((Date.now() - started) / 1000);
      setCurrentDetails(
        `${input.from}..${input.to}: ${check.ready} of ${archived.length} archived parts restored after ${progress.waitedSeconds} s`,
      );
    }
    restoredUntil = check.expiresAt;
  }

  progress.state = 'running';
  const result: ArchiveRestoreResult = { ...progress, ...requests, restoredUntil, then: input.then };
  if (input.then === 'checks') {
    result.checks = await executeChild(runChecksWorkflow, {
      workflowId: workflowIds.checksAfter(workflowInfo().workflowId),
      args: [
        {
          org: input.org,
          from: `${input.from}T00:00:00.000Z`,
          to: `${addDays(input.to, 1)}T00:00:00.000Z`,
          lakeTaskQueue: input.lakeTaskQueue,
          trigger: 'manual',
        },
      ],
    });
  } else if (input.then === 'verify') {
    result.verify = await lake.verifyRange({ org: input.org, from: input.from, to: input.to });
  } else if (input.then === 'export') {
    const r = await lake.exportEvidencePackage({
      org: input.org,
      from: input.from,
      to: input.to,
      outDir: input.outDir!,
    });
    result.export = { outDir: r.outDir, files: r.files, verificationOk: r.verificationOk, findings: r.findings };
  }
  progress.state = 'done';
  result.state = 'done';
  return result;
}
