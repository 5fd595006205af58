import { Context } from '@temporalio/activity';
import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { runAndRecordChecks } from '../checks/run-and-record';
import { createQueryEngine } from '../query/create-engine';
import { EngineName } from '../query/engine';
import { lakeOf } from '../s3/lake';

export interface RunChecksActivityInput {
  org: string;
  /** [from, to), ISO-8601 UTC. */
  from: string;
  to: string;
  checkIds?: string[];
  overrides?: Record<string, string>;
  engine?: EngineName;
  trigger?: 'after-seal' | 'manual';
  /** From the workflow, so a retried run records the same run time. */
  runAt: string;
}

/** Small on purpose (workflow history): counts and S3 keys, never rows. */
export interface RunChecksSummary {
  org: string;
  from: string;
  to: string;
  findings: number;
  checks: Array<{
    id: string;
    severity: string;
    findings: number;
    events: number;
    bytesScanned: number;
    filesRead: number | null;
    ms: number;
    /** not_evaluable: an access check whose snapshot tables were not readable (or no snapshot). */
    status: 'evaluated' | 'not_evaluable';
  }>;
  findingKeys: string[];
  webhook: string;
  /** Set when nothing ran: after-seal checks turned off by CHECKS_AFTER_SEAL=false. */
  skipped?: string;
}

export function createCheckActivities(deps: { config: Config; s3: S3Client }) {
  const lake = lakeOf(deps.config, deps.s3);
  return {
    async runComplianceChecks(input: RunChecksActivityInput): Promise<RunChecksSummary> {
      if (input.trigger === 'after-seal' && !deps.config.checks.afterSeal) {
        return {
          org: input.org,
          from: input.from,
          to: input.to,
          findings: 0,
          checks: [],
          findingKeys: [],
          webhook: 'not sent',
          skipped: 'CHECKS_AFTER_SEAL=false',
        };
      }
      const engine = createQueryEngine(
        deps.config,
        deps.s3,
        input.engine ?? deps.config.query.engine,
        input.org,
        deps.config.duckdb,
      );
      try {
        const recorded = await runAndRecordChecks(
          { config: deps.config, lake, engine },
          {
            org: input.org,
            window: { from: input.from, to: input.to },
            checkIds: input.checkIds,
            overrides: input.overrides,
            runAt: input.runAt,
            onCheck: (run) => Context.current().heartbeat({ check: run.check.id }),
          },
        );
        return {
          org: input.org,
          from: input.from,
          to: input.to,
          findings: recorded.runs.reduce((n, r) => n + r.findings.length, 0),
          checks: recorded.runs.map((r) => ({
            id: r.check.id,
            severity: r.check.severity,
            findings: r.findings.length,
            events: r.findings.reduce((n, f) => n + f.eventIds.length, 0),
            bytesScanned: r.stats.bytesScanned,
            filesRead: r.stats.filesRead,
            ms: r.stats.ms,
            status: r.status,
          })),
          findingKeys: recorded.stored.map((s) => s.key),
          webhook: recorded.webhook,
        };
      } finally {
        await engine.close();
      }
    },
  };
}
