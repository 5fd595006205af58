import {
  AthenaClient,
  BatchGetNamedQueryCommand,
  CreateNamedQueryCommand,
  GetTableMetadataCommand,
  ListNamedQueriesCommand,
  UpdateNamedQueryCommand,
} from '@aws-sdk/client-athena';
import { AthenaQueryEngine } from './athena-engine';
import { addColumnsStatements, allEventsViewStatement, AthenaDdl } from './athena-ddl';
import { ExtraColumn } from './extra-columns';

export interface ApplyReport {
  statements: Array<{ what: string; queryId: string }>;
  columnsAdded: string[];
  namedQueries: Array<{ name: string; action: 'created' | 'updated' | 'unchanged' }>;
}

/**
 * Applies the DDL: creates what is missing, adds recrawled columns the tables lack (at the end),
 * replaces the views, and creates or updates the named queries. Safe to run again.
 */
export async function applyAthenaDdl(
  engine: AthenaQueryEngine,
  client: AthenaClient,
  ddl: AthenaDdl,
  extraColumns: readonly ExtraColumn[],
  workgroup: string,
): Promise<ApplyReport> {
  const report: ApplyReport = { statements: [], columnsAdded: [], namedQueries: [] };
  for (const s of ddl.statements) {
    if (s.what.startsWith('view')) continue;
    report.statements.push({ what: s.what, queryId: (await engine.execute(s.sql)).queryId });
  }
  // Tables created earlier do not have columns the recrawl added since.
  const meta = await client.send(
    new GetTableMetadataCommand({
      CatalogName: 'AwsDataCatalog',
      DatabaseName: ddl.database,
      TableName: 'audit_events',
    }),
  );
  const have = new Set((meta.TableMetadata?.Columns ?? []).map((c) => c.Name?.toLowerCase()));
  const missing = extraColumns.filter((c) => !have.has(c.name));
  for (const sql of addColumnsStatements(ddl.database, missing))
    report.statements.push({ what: 'add columns', queryId: (await engine.execute(sql)).queryId });
  report.columnsAdded = missing.map((c) => c.name);
  // The views last, over the tables as they now are; the events view with every recrawled column.
  for (const s of ddl.statements.filter((x) => x.what.startsWith('view'))) {
    const sql = s.what === 'view audit_events_all' ? allEventsViewStatement(ddl.database, extraColumns) : s.sql;
    report.statements.push({ what: s.what, queryId: (await engine.execute(sql)).queryId });
  }

  const existing = new Map<string, { id: string; sql: string }>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListNamedQueriesCommand({ WorkGroup: workgroup, NextToken: token, MaxResults: 50 }),
    );
    const ids = page.NamedQueryIds ?? [];
    if (ids.length > 0) {
      const got = await client.send(new BatchGetNamedQueryCommand({ NamedQueryIds: ids }));
      for (const q of got.NamedQueries ?? [])
        if (q.Name && q.NamedQueryId) existing.set(q.Name, { id: q.NamedQueryId, sql: q.QueryString ?? '' });
    }
    token = page.NextToken;
  } while (token);
  for (const q of ddl.namedQueries) {
    const found = existing.get(q.name);
    if (!found) {
      await client.send(
        new CreateNamedQueryCommand({
          Name: q.name,
          Description: q.description,
          Database: ddl.database,
          QueryString: q.sql,
          WorkGroup: workgroup,
        }),
      );
      report.namedQueries.push({ name: q.name, action: 'created' });
    } else if (found.sql !== q.sql) {
      await client.send(
        new UpdateNamedQueryCommand({
          NamedQueryId: found.id,
          Name: q.name,
          Description: q.description,
          QueryString: q.sql,
        }),
      );
      report.namedQueries.push({ name: q.name, action: 'updated' });
    } else report.namedQueries.push({ name: q.name, action: 'unchanged' });
  }
  return report;
}

/** After a recrawl: the new columns on both event tables, and the view that reads them. */
export async function applyNewColumns(
  engine: AthenaQueryEngine,
  database: string,
  added: readonly ExtraColumn[],
  all: readonly ExtraColumn[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const sql of addColumnsStatements(database, added)) ids.push((await engine.execute(sql)).queryId);
  ids.push((await engine.execute(allEventsViewStatement(database, all))).queryId);
  return ids;
}
