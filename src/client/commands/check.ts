import { loadConfig } from '../../config/config';
import { withLocalSecrets } from '../../config/local-defaults';
import { loadChecks } from '../../checks/check-file';
import { runAndRecordChecks } from '../../checks/run-and-record';
import { addDays, isValidDay } from '../../days';
import { ConfigError } from '../../errors';
import { createQueryEngine } from '../../query/create-engine';
import { EngineName } from '../../query/engine';
import { createS3Client } from '../../s3/client';
import { EXIT } from '../output';
import { formatTable } from './table';

export interface CheckRunOptions {
  from: string;
  to?: string;
  check?: string[];
  engine?: EngineName;
  param?: string[];
  json?: boolean;
}

/** [from, to): a day (YYYY-MM-DD, whole UTC days, `to` inclusive) or an ISO-8601 instant. */
export function parseWindow(from: string, to: string | undefined): { from: string; to: string } {
  const start = isValidDay(from) ? `${from}T00:00:00.000Z` : iso(from, '--from');
  const endText = to ?? from;
  const end = isValidDay(endText) ? `${addDays(endText, 1)}T00:00:00.000Z` : iso(endText, '--to');
  if (!(start < end)) throw new ConfigError(`--from must be before --to (got ${start} .. ${end})`);
  return { from: start, to: end };
}

function iso(text: string, flag: string): string {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(ms)) throw new ConfigError(`${flag}: expected YYYY-MM-DD or an ISO-8601 time, got "${text}"`);
  return new Date(ms).toISOString();
}

function parseParams(list: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list) {
    const i = p.indexOf('=');
    if (i <= 0) throw new ConfigError(`--param: expected name=value, got "${p}"`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/** `gcaudit check run`: runs the checks over a window, prints findings, stores them in the lake. Exit 3 when there are findings. */
export async function checkRun(opts: CheckRunOptions): Promise<number> {
  if (opts.engine !== undefined && opts.engine !== 'duckdb' && opts.engine !== 'athena') throw new ConfigError(`--engine: expected duckdb or athena, got "${String(opts.engine)}"`);
  const config = withLocalSecrets(loadConfig());
  const window = parseWindow(opts.from, opts.to);
  const s3 = createS3Client(config);
  const engine = createQueryEngine(config, s3, opts.engine ?? config.query.engine);
  try {
    const recorded = await runAndRecordChecks(
      { config, s3, engine },
      { org: config.org, window, checkIds: opts.check, overrides: parseParams(opts.param), runAt: new Date().toISOString() },
    );
    const findings = recorded.runs.flatMap((r) => r.findings);
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify({
          window,
          engine: engine.name,
          checks: recorded.runs.map((r) => ({ id: r.check.id, severity: r.check.severity, findings: r.findings.length, stats: r.stats })),
          findings,
          stored: recorded.stored,
          webhook: recorded.webhook,
        })}\n`,
      );
    } else {
      process.stdout.write(`checks ${window.from} .. ${window.to} on ${engine.name}\n`);
      process.stdout.write(
        formatTable(
          ['check', 'severity', 'findings', 'ms', 'files', 'bytes'],
          recorded.runs.map((r) => [r.check.id, r.check.severity, String(r.findings.length), String(r.stats.ms), String(r.stats.filesRead ?? '-'), String(r.stats.bytesScanned)]),
        ),
      );
      if (findings.length > 0) {
        process.stdout.write('\nfindings\n');
        process.stdout.write(
          formatTable(
            ['severity', 'check', 'first event', 'user', 'events', 'summary'],
            findings.map((f) => [f.severity, f.checkId, f.firstEventTime, f.userId ?? '', String(f.eventIds.length), f.summary]),
          ),
        );
      }
      const written = recorded.stored.filter((s) => s.written).length;
      process.stdout.write(`\n${findings.length} findings; ${written} findings objects written, ${recorded.stored.length - written} already in the lake; webhook: ${recorded.webhook}\n`);
    }
    return findings.length > 0 ? EXIT.findings : EXIT.ok;
  } finally {
    await engine.close();
    s3.destroy();
  }
}

/** `gcaudit check list`. */
export function checkList(opts: { json?: boolean }): number {
  const checks = loadChecks();
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(checks.map(({ sql: _sql, ...c }) => c))}\n`);
    return EXIT.ok;
  }
  process.stdout.write(
    formatTable(
      ['id', 'severity', 'title', 'SOC 2', 'PCI DSS 4.0', 'HIPAA', 'parameters'],
      checks.map((c) => [
        c.id,
        c.severity,
        c.title,
        c.controls.SOC2.join(' '),
        c.controls.PCI_DSS_4.join(' '),
        c.controls.HIPAA.join(' '),
        Object.entries(c.parameters)
          .map(([k, p]) => `${k}=${Array.isArray(p.default) ? p.default.join(',') : String(p.default)}`)
          .join('; '),
      ]),
    ),
  );
  return EXIT.ok;
}
