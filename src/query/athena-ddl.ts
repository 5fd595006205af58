import { LakeTable, tablePrefix } from '../lake/keys';
import { LAKE_COLUMNS } from '../model/canonical';
import { ExtraColumn } from './extra-columns';
import { allEventsViewSql, FINDINGS_COLUMNS, PARTITION_COLUMNS } from './lake-views';

/**
 * Athena DDL of the lake: the database, the three tables with partition projection (Athena
 * computes the year=/month=/day= partitions from the query's predicates: no crawler, no
 * MSCK REPAIR), the audit_events_all view, and a named query per check.
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

export function athenaDdl(opts: { database: string; bucket: string; org: string; extraColumns: readonly ExtraColumn[]; namedQueries: NamedQuery[] }): AthenaDdl {
  const { database, bucket } = opts;
  const lakeColumns = [...LAKE_COLUMNS.map((c) => ({ name: c.name as string, type: c.athena })), ...opts.extraColumns.map((c) => ({ name: c.name, type: 'string' }))];
  const table = (name: LakeTable, columns: Array<{ name: string; type: string }>) => {
    const location = `s3://${bucket}/${tablePrefix(opts.org, name)}`;
    return {
      what: `table ${name}`,
      sql: `CREATE EXTERNAL TABLE IF NOT EXISTS \`${database}\`.\`${name}\` (
${columns.map((c) => `  \`${c.name}\` ${c.type}`).join(',\n')}
)
PARTITIONED BY (${PARTITION_COLUMNS.map((p) => `\`${p}\` string`).join(', ')})
STORED AS PARQUET
LOCATION '${location}'
TBLPROPERTIES (
  'parquet.compression' = 'ZSTD',
  'projection.enabled' = 'true',
  'projection.year.type' = 'integer',
  'projection.year.range' = '2000,2099',
  'projection.month.type' = 'integer',
  'projection.month.range' = '1,12',
  'projection.month.digits' = '2',
  'projection.day.type' = 'integer',
  'projection.day.range' = '1,31',
  'projection.day.digits' = '2',
  'storage.location.template' = '${location}year=\${year}/month=\${month}/day=\${day}/'
)`,
    };
  };
  return {
    database,
    statements: [
      { what: `database ${database}`, sql: `CREATE DATABASE IF NOT EXISTS \`${database}\`` },
      table('audit_events', lakeColumns),
      table('audit_events_live', lakeColumns),
      table('audit_findings', FINDINGS_COLUMNS.map((c) => ({ name: c.name, type: c.athena }))),
      { what: 'view audit_events_all', sql: allEventsViewStatement(database, opts.extraColumns) },
    ],
    namedQueries: opts.namedQueries,
  };
}

/**
 * The view is Trino SQL (Athena runs views and queries on Trino), so its identifiers are quoted
 * the Trino way, with double quotes: Trino rejects backquotes, which only Athena's Hive DDL
 * (CREATE EXTERNAL TABLE, ALTER TABLE) takes.
 */
export function allEventsViewStatement(database: string, extraColumns: readonly ExtraColumn[]): string {
  return `CREATE OR REPLACE VIEW ${trinoIdentifier(database)}.audit_events_all AS\n${allEventsViewSql('athena', extraColumns)}`;
}

/** A Trino identifier in double quotes (a double quote inside doubled). */
function trinoIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** ALTER TABLE ... ADD COLUMNS: new columns go at the end; nothing is dropped, renamed or retyped. */
export function addColumnsStatements(database: string, columns: readonly ExtraColumn[]): string[] {
  if (columns.length === 0) return [];
  const list = columns.map((c) => `\`${c.name}\` string`).join(', ');
  return (['audit_events', 'audit_events_live'] as const).map((t) => `ALTER TABLE \`${database}\`.\`${t}\` ADD COLUMNS (${list})`);
}

/** The whole DDL as one script, for `gcaudit athena ddl`. */
export function ddlScript(ddl: AthenaDdl): string {
  const parts = ddl.statements.map((s) => `-- ${s.what}\n${s.sql};`);
  for (const q of ddl.namedQueries) parts.push(`-- named query ${q.name}: ${q.description}\n${q.sql.trim()};`);
  return `${parts.join('\n\n')}\n`;
}
