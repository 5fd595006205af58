import { loadConfig } from '../../config/config';
import { withLocalSecrets } from '../../config/local-defaults';
import { ConfigError } from '../../errors';
import { createQueryEngine } from '../../query/create-engine';
import { EngineName } from '../../query/engine';
import { createS3Client } from '../../s3/client';
import { EXIT } from '../output';
import { parseWindow } from './check';
import { formatTable } from './table';

/**
 * `gcaudit query "SQL"`: ad-hoc SQL over audit_events, audit_events_live, audit_events_all and
 * audit_findings. --from/--to limit the days DuckDB syncs and reads (without them: every day).
 */
export async function query(sql: string, opts: { engine?: EngineName; json?: boolean; from?: string; to?: string }): Promise<number> {
  if (opts.engine !== undefined && opts.engine !== 'duckdb' && opts.engine !== 'athena') throw new ConfigError(`--engine: expected duckdb or athena, got "${String(opts.engine)}"`);
  const config = withLocalSecrets(loadConfig());
  const s3 = createS3Client(config);
  const engine = createQueryEngine(config, s3, opts.engine ?? config.query.engine);
  try {
    const days = opts.from ? parseWindow(opts.from, opts.to) : undefined;
    const result = await engine.query(sql, days ? { days: { from: days.from.slice(0, 10), to: new Date(Date.parse(days.to) - 1).toISOString().slice(0, 10) } } : {});
    if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(formatTable(result.columns.map((c) => c.name), result.rows.map((r) => r.map((v) => v ?? 'NULL'))));
      const s = result.stats;
      process.stderr.write(`${result.rows.length} rows, ${s.ms} ms, ${s.bytesScanned} bytes scanned${s.filesRead === null ? '' : `, ${s.filesRead} files`} (${s.engine})\n`);
    }
    return EXIT.ok;
  } finally {
    await engine.close();
    s3.destroy();
  }
}
