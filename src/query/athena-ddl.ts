import { ExtraColumn } from './extra-columns';
import { LakeTableDefinition, lakeTableDefinitions } from './lake-tables';
import { allEventsViewSql } from './lake-views';
import { accessReconciliationViewSql } from './access-views';

/**
 * Athena DDL of the lake: the database, the tables with partition projection (Athena
 * computes the year=/month=/day= partitions from the query's predicates: no crawler, no
 * MSCK REPAIR), the audit_events_all and access_reconciliation views, and a named query per check.
 */
export interface AthenaDdl {
  database: string;
  statements: Array<{ what: string; sql: string }>;
  namedQueries: NamedQuery[];
}

/** A saved Athena query (a check's SQL, rendered by the checks module that owns it). */
export interface NamedQuery {
  name: string;
  description: string;
  sql: string;
}

export function athenaDdl(opts: {
  database: string;
  bucket: string;
  org: string;
  extraColumns: readonly ExtraColumn[];
  namedQueries: NamedQuery[];
}): AthenaDdl {
  const { database } = opts;
  const table = (t: LakeTableDefinition) => ({
    what: `table ${t.name}`,
    sql: `CREATE EXTERNAL TABLE IF NOT EXISTS \`${database}\`.\`${t.name}\` (
${t.columns.map((c) => `  \`${c.name}\` ${c.type}`).join(',\n')}
)
PARTITIONED BY (${t.partitionKeys.map((p) => `\`${p.name}\` ${p.type}`).join(', ')})
STORED AS PARQUET
LOCATION '${t.location}'
TBLPROPERTIES (
${Object.entries(t.properties)
  .map(([k, v]) => `  '${k}' = '${v}'`)
  .join(',\n')}
)`,
  });
  const tables = lakeTableDefinitions({ bucket: opts.bucket, org: opts.org, extraColumns: opts.extraColumns });
  return {
    database,
    statements: [
      { what: `database ${database}`, sql: `CREATE DATABASE IF NOT EXISTS \`${database}\`` },
      ...tables.map(table),
      { what: 'view audit_events_all', sql: allEventsViewStatement(database, opts.extraColumns) },
      { what: 'view access_reconciliation', sql: accessReconciliationViewStatement(database) },
    ],
    namedQueries: opts.namedQueries,
  };
}

export function allEventsViewStatement(database: string, extraColumns: readonly ExtraColumn[]): string {
  return `CREATE OR REPLACE VIEW ${trinoIdentifier(database)}.audit_events_all AS\n${allEventsViewSql('athena', extraColumns)}`;
}

export function accessReconciliationViewStatement(database: string): string {
  return `CREATE OR REPLACE VIEW ${trinoIdentifier(database)}.access_reconciliation AS\n${accessReconciliationViewSql()}`;
}

/** A Trino identifier in double quotes (a double quote inside doubled). */
function trinoIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** ALTER TABLE ... ADD COLUMNS: new columns go at the end; nothing is dropped, renamed or retyped. */
export function addColumnsStatements(database: string, columns: readonly ExtraColumn[]): string[] {
  if (columns.length === 0) return [];
  const list = columns.map((c) => `\`${c.name}\` string`).join(', ');
  return (['audit_events', 'audit_events_live'] as const).map(
    (t) => `ALTER TABLE \`${database}\`.\`${t}\` ADD COLUMNS (${list})`,
  );
}

/** The whole DDL as one script, for `gcaudit athena ddl`. */
export function ddlScript(ddl: AthenaDdl): string {
  const parts = ddl.statements.map((s) => `-- ${s.what}\n${s.sql};`);
  for (const q of ddl.namedQueries) parts.push(`-- named query ${q.name}: ${q.description}\n${q.sql.trim()};`);
  return `${parts.join('\n\n')}\n`;
}
