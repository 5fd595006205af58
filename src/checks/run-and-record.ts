import { Config } from '../config/config';
import { ConfigError } from '../errors';
import { QueryEngine } from '../query/engine';
import type { Lake } from '../s3/lake';
import { Check, loadChecks } from './check-file';
import { storeFindings } from './findings-store';
import { CheckWindow } from './params';
import { RenderContext, renderContextFromConfig } from './render';
import { CheckRun, runChecks } from './runner';
import { postWebhook, webhookSummary } from './webhook';

export interface RecordedRun {
  runs: CheckRun[];
  /** Findings objects written (or already there with the same results). */
  stored: Array<{ checkId: string; key: string; written: boolean; findings: number }>;
  webhook: 'sent' | 'not configured' | 'no findings';
}

export interface RunRequest {
  org: string;
  window: CheckWindow;
  checkIds?: string[];
  overrides?: Record<string, string>;
  runAt: string;
  /** Called after each check (activities heartbeat here). */
  onCheck?: (run: CheckRun) => void;
  /** Default: the checks in checks/. */
  checks?: Check[];
  context?: RenderContext;
}

/** Runs the checks, stores their findings in the lake and posts the webhook: what the workflow and the CLI both do. */
export async function runAndRecordChecks(
  deps: { config: Config; lake: Lake; engine: QueryEngine },
  req: RunRequest,
): Promise<RecordedRun> {
  const all = req.checks ?? loadChecks();
  const checks = req.checkIds?.length
    ? req.checkIds.map((id) => all.find((c) => c.id === id) ?? unknownCheck(id, all))
    : all;
  const runs = await runChecks(
    deps.engine,
    checks,
    req.window,
    req.context ?? renderContextFromConfig(deps.config, req.overrides),
    req.onCheck,
  );
  const stored: RecordedRun['stored'] = [];
  for (const run of runs) {
    const s = await storeFindings({ lake: deps.lake, duckdb: deps.config.duckdb }, req.org, run, req.runAt);
    if (s) stored.push({ checkId: run.check.id, key: s.key, written: s.written, findings: s.findings });
  }
  let webhook: RecordedRun['webhook'] = 'not configured';
  if (deps.config.checks.webhookUrl) {
    // Only news is posted: a re-run that stored nothing new stays quiet.
    if (stored.some((s) => s.written)) {
      await postWebhook(
        deps.config.checks.webhookUrl,
        webhookSummary(
          req.org,
          runs,
          stored.map((s) => s.key),
        ),
      );
      webhook = 'sent';
    } else webhook = 'no findings';
  }
  return { runs, stored, webhook };
}

function unknownCheck(id: string, all: Check[]): never {
  throw new ConfigError(`unknown check ${id} (known: ${all.map((c) => c.id).join(', ')})`);
}
