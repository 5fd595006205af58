import { createQueryEngine } from '../../query/create-engine';
import { EngineName } from '../../query/engine';
import { cliConfig, lakeContext } from '../context';
import { parseTimeWindow, windowDays } from '../date-range';
import { ConfigError } from '../../errors';
import { EXIT } from '../output';
import { formatTable } from './table';

/**
 * `gcaudit query "SQL"`: ad-hoc SQL over audit_events, audit_events_live, audit_events_all and
 * audit_findings. --from/--to limit the days DuckDB syncs and reads (without them: every day).
 */
export async function query(
  sql: string,
  opts: { engine?: EngineName; json?: boolean; from?: string; to?: string },
): Promise<number> {
  const days = opts.from ? windowDays(parseTimeWindow(opts.from, opts.to)) : undefined;
  if (opts.to && !opts.from) throw new ConfigError('--to needs --from');
  const config = cliConfig();
  const lake = lakeContext(config);
  const engine = createQueryEngine(config, lake.s3, opts.engine ?? config.query.engine);
  try {
    const result = await engine.query(sql, days ? { days } : {});
    if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(
        formatTable(
          result.columns.map((c) => c.name),
          result.rows.map((r) => r.map((v) => v ?? 'NULL')),
        ),
      );
      const s = result.stats;
      process.stderr.write(
        `${result.rows.length} rows, ${s.ms} ms, ${s.bytesScanned} bytes scanned${s.filesRead === null ? '' : `, ${s.filesRead} files`} (${s.engine})\n`,
      );
    }
    return EXIT.ok;
  } finally {
    await engine.close();
    lake.close();
  }
}
