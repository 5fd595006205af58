import { loadChecks } from '../../checks/check-file';
import { runAndRecordChecks } from '../../checks/run-and-record';
import { ConfigError } from '../../errors';
import { createQueryEngine } from '../../query/create-engine';
import { EngineName } from '../../query/engine';
import { cliConfig, lakeContext } from '../context';
import { parseTimeWindow } from '../date-range';
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
  const window = parseTimeWindow(opts.from, opts.to);
  const overrides = parseParams(opts.param);
  const config = cliConfig();
  const all = loadChecks();
  const unknown = (opts.check ?? []).filter((id) => !all.some((c) => c.id === id));
  if (unknown.length > 0)
    throw new ConfigError(`--check: unknown check ${unknown.join(', ')} (known: ${all.map((c) => c.id).join(', ')})`);
  const lake = lakeContext(config);
  const { s3 } = lake;
  const engine = createQueryEngine(config, s3, opts.engine ?? config.query.engine);
  try {
    const recorded = await runAndRecordChecks(
      { config, lake: lake.lake, engine },
      { org: config.org, window, checks: all, checkIds: opts.check, overrides, runAt: new Date().toISOString() },
    );
    const findings = recorded.runs.flatMap((r) => r.findings);
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify({
          window,
          engine: engine.name,
          checks: recorded.runs.map((r) => ({
            id: r.check.id,
            severity: r.check.severity,
            findings: r.findings.length,
            stats: r.stats,
            status: r.status,
            notEvaluable: r.notEvaluable,
          })),
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
          recorded.runs.map((r) => [
            r.check.id,
            r.check.severity,
            r.status === 'evaluated' ? String(r.findings.length) : 'not evaluable',
            String(r.stats.ms),
            String(r.stats.filesRead ?? '-'),
            String(r.stats.bytesScanned),
          ]),
        ),
      );
      const blind = recorded.runs.filter((r) => r.status === 'not_evaluable');
      if (blind.length > 0) {
        process.stdout.write('\nnot evaluable (unknown, not passed)\n');
        for (const r of blind) process.stdout.write(`  ${r.check.id}: ${r.notEvaluable.join('; ')}\n`);
      }
      if (findings.length > 0) {
        process.stdout.write('\nfindings\n');
        process.stdout.write(
          formatTable(
            ['severity', 'check', 'first event', 'user', 'events', 'summary'],
            findings.map((f) => [
              f.severity,
              f.checkId,
              f.firstEventTime,
              f.userId ?? '',
              String(f.eventIds.length),
              f.summary,
            ]),
          ),
        );
      }
      const written = recorded.stored.filter((s) => s.written).length;
      process.stdout.write(
        `\n${findings.length} findings; ${written} findings objects written, ${recorded.stored.length - written} already in the lake; webhook: ${recorded.webhook}\n`,
      );
    }
    return findings.length > 0 ? EXIT.findings : EXIT.ok;
  } finally {
    await engine.close();
    lake.close();
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
