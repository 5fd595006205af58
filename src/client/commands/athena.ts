import { loadChecks } from '../../checks/check-file';
import { AthenaQueryEngine, createAthenaClient } from '../../query/athena-engine';
import { applyAthenaDdl } from '../../query/athena-apply';
import { athenaDdl, ddlScript } from '../../query/athena-ddl';
import { athenaNamedQueries } from '../../checks/named-queries';
import { readSchemaState } from '../../query/schema-state';
import { cliConfig, lakeContext } from '../context';
import { EXIT } from '../output';

/** `gcaudit athena ddl|apply`: prints, or applies, the lake's Athena DDL and the checks' named queries. */
export async function athenaCommand(
  action: 'ddl' | 'apply',
  opts: { database?: string; json?: boolean },
): Promise<number> {
  const config = cliConfig();
  const checks = loadChecks();
  const lake = lakeContext(config);
  try {
    const extra = (await readSchemaState(lake.lake, config.org)).columns;
    const ddl = athenaDdl({
      database: opts.database ?? config.query.athena.database,
      bucket: config.s3.bucket,
      org: config.org,
      extraColumns: extra,
      namedQueries: athenaNamedQueries(checks, config),
    });
    if (action === 'ddl') {
      process.stdout.write(opts.json ? `${JSON.stringify(ddl)}\n` : ddlScript(ddl));
      return EXIT.ok;
    }
    const client = createAthenaClient(config);
    const a = config.query.athena;
    const engine = new AthenaQueryEngine({
      client,
      database: ddl.database,
      workgroup: a.workgroup,
      outputLocation: a.outputLocation,
    });
    try {
      const report = await applyAthenaDdl(engine, client, ddl, extra, a.workgroup);
      if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      else {
        for (const s of report.statements) process.stdout.write(`applied ${s.what} (${s.queryId})\n`);
        for (const q of report.namedQueries) process.stdout.write(`named query ${q.name}: ${q.action}\n`);
      }
      return EXIT.ok;
    } finally {
      await engine.close();
    }
  } finally {
    lake.close();
  }
}
