import { loadConfig } from '../../config/config';
import { withLocalSecrets } from '../../config/local-defaults';
import { loadChecks } from '../../checks/check-file';
import { AthenaQueryEngine, createAthenaClient } from '../../query/athena-engine';
import { applyAthenaDdl } from '../../query/athena-apply';
import { athenaDdl, ddlScript } from '../../query/athena-ddl';
import { athenaNamedQueries } from '../../checks/named-queries';
import { readSchemaState } from '../../query/schema-state';
import { createS3Client } from '../../s3/client';
import { EXIT } from '../output';

/** `gcaudit athena ddl|apply`: prints, or applies, the lake's Athena DDL and the checks' named queries. */
export async function athenaCommand(action: string, opts: { database?: string; json?: boolean }): Promise<number> {
  if (action !== 'ddl' && action !== 'apply') {
    process.stderr.write(`gcaudit: athena: expected ddl or apply, got "${action}"\n`);
    return EXIT.usage;
  }
  const config = withLocalSecrets(loadConfig());
  const s3 = createS3Client(config);
  try {
    const extra = (await readSchemaState(s3, config.s3.bucket, config.org)).columns;
    const ddl = athenaDdl({
      database: opts.database ?? config.query.athena.database,
      bucket: config.s3.bucket,
      org: config.org,
      extraColumns: extra,
      namedQueries: athenaNamedQueries(loadChecks(), config),
    });
    if (action === 'ddl') {
      process.stdout.write(opts.json ? `${JSON.stringify(ddl)}\n` : ddlScript(ddl));
      return EXIT.ok;
    }
    const client = createAthenaClient(config);
    const a = config.query.athena;
    const engine = new AthenaQueryEngine({ client, database: ddl.database, workgroup: a.workgroup, outputLocation: a.outputLocation });
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
    s3.destroy();
  }
}
