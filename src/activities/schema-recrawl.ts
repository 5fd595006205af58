import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { AthenaQueryEngine } from '../query/athena-engine';
import { applyNewColumns } from '../query/athena-apply';
import { createQueryEngine } from '../query/create-engine';
import { recrawlSchema } from '../query/schema-recrawl';
import { lakeOf } from '../s3/lake';

export interface RecrawlActivityInput {
  org: string;
  /** UTC day the recrawl runs on; it looks at the `days` days before it. */
  today: string;
  days: number;
  now: string;
}

export interface RecrawlSummary {
  org: string;
  days: { from: string; to: string };
  fieldsSeen: number;
  added: string[];
  skipped: Array<{ field: string; reason: string }>;
  version: number;
  stateKey: string | null;
  athena: 'not configured' | 'unchanged' | 'altered';
}

export function createSchemaRecrawlActivities(deps: { config: Config; s3: S3Client }) {
  return {
    async recrawlLakeSchema(input: RecrawlActivityInput): Promise<RecrawlSummary> {
      const engine = createQueryEngine(deps.config, deps.s3, 'duckdb', input.org, deps.config.duckdb);
      try {
        const report = await recrawlSchema({ lake: lakeOf(deps.config, deps.s3), engine }, input);
        let athena: RecrawlSummary['athena'] = 'not configured';
        if (deps.config.query.engine === 'athena') {
          athena = 'unchanged';
          if (report.added.length > 0) {
            const athenaEngine = createQueryEngine(deps.config, deps.s3, 'athena', input.org) as AthenaQueryEngine;
            try {
              await applyNewColumns(
                athenaEngine,
                deps.config.query.athena.database,
                report.added,
                report.state.columns,
              );
              athena = 'altered';
            } finally {
              await athenaEngine.close();
            }
          }
        }
        return {
          org: input.org,
          days: report.days,
          fieldsSeen: report.seen.length,
          added: report.added.map((c) => c.name),
          skipped: report.skipped,
          version: report.version,
          stateKey: report.stateKey,
          athena,
        };
      } finally {
        await engine.close();
      }
    },
  };
}
