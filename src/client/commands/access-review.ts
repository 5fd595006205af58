import { ConfigError } from '../../errors';
import { AccessReview, accessReview } from '../../evidence/access-review';
import { createQueryEngine } from '../../query/create-engine';
import { cliConfig, lakeContext } from '../context';
import { parseDayRange } from '../date-range';
import { EXIT } from '../output';
import { formatTable } from './table';

export interface AccessReviewOptions {
  asOf: string;
  since?: string;
  json?: boolean;
}

/**
 * `gcaudit access review --as-of DAY [--since DAY]`: who holds which role on that day (its
 * snapshot), and what changed since, each change with the audit event that explains it or its
 * finding. Exit 3 when a change has no explaining event.
 */
export async function accessReviewCommand(opts: AccessReviewOptions): Promise<number> {
  const range = parseDayRange(opts.since ?? opts.asOf, opts.asOf);
  if (opts.since !== undefined && opts.since >= opts.asOf)
    throw new ConfigError(`--since ${opts.since} must be before --as-of ${opts.asOf}`);
  const config = cliConfig();
  const lake = lakeContext(config);
  // DuckDB over the lake on either deployment (the review's SQL is DuckDB's, like the evidence export's).
  const engine = createQueryEngine(config, lake.s3, 'duckdb');
  try {
    const review = await accessReview(engine, { org: config.org, asOf: range.to, since: opts.since });
    process.stdout.write(opts.json ? `${JSON.stringify(review)}\n` : renderReview(review));
    return review.changes.some((c) => c.finding) ? EXIT.findings : EXIT.ok;
  } finally {
    await engine.close();
    lake.close();
  }
}

export function renderReview(r: AccessReview): string {
  const out: string[] = [];
  out.push(
    `access review of ${r.org} as of ${r.asOf}: ${r.snapshotDay ? `snapshot of ${r.snapshotDay} (captured ${r.capturedAt ?? '?'})` : 'no snapshot'}\n`,
  );
  for (const u of r.unknown) out.push(`UNKNOWN: ${u}\n`);
  if (r.snapshotDay) {
    out.push(`\nrole holders (${r.holders.length} grants)\n`);
    out.push(
      formatTable(
        ['role', 'subject type', 'subject', 'name', 'state', 'division', 'permissions'],
        r.holders.map((h) => [
          h.roleName ?? h.roleId,
          h.subjectType,
          h.subjectId,
          h.subjectName ?? '',
          h.subjectState ?? '',
          h.divisionName ?? h.divisionId ?? '',
          h.permissions.join(' '),
        ]),
      ),
    );
  }
  if (r.since) {
    out.push(`\nchanges after ${r.since} (${r.changes.length})\n`);
    out.push(
      formatTable(
        ['snapshot', 'change', 'subject', 'role', 'division', 'explained by', 'finding'],
        r.changes.map((c) => [
          `${c.previousSnapshotDay}..${c.snapshotDay}`,
          c.change,
          `${c.subjectType ?? ''} ${c.subjectId ?? ''}`.trim(),
          c.roleId ?? '',
          c.divisionId ?? '',
          c.explained ? `${c.eventId} ${c.eventTime ?? ''} by ${c.actorUserId ?? '?'}` : '',
          c.finding ? `${c.finding}${c.change === 'event_effect_missing' ? ` (event ${c.eventId})` : ''}` : '',
        ]),
      ),
    );
    const open = r.changes.filter((c) => c.finding).length;
    out.push(`\n${r.changes.length - open} changes explained by audit events, ${open} without (findings)\n`);
  }
  return out.join('');
}
