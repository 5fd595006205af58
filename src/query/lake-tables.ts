import { LakeTable, tablePrefix } from '../lake/keys';
import { ACCESS_COLUMNS, ACCESS_TABLES, AccessColumn, AccessTable } from '../model/access-tables';

export { ACCESS_TABLES, type AccessTable };
import { LAKE_COLUMNS } from '../model/canonical';
import { ExtraColumn } from './extra-columns';
import { FINDINGS_COLUMNS, PARTITION_COLUMNS } from './lake-views';

export interface TableColumn {
  name: string;
  /** Hive/Athena DDL type: string, int, timestamp. */
  type: string;
}

/**
 * One lake table as the catalogue sees it. The one description of the tables: `gcaudit athena
 * ddl` renders it as CREATE EXTERNAL TABLE, the AWS CDK app (deploy/aws) as Glue tables, so a
 * column added to the writer shows up in both.
 */
export interface LakeTableDefinition {
  name: LakeTable;
  location: string;
  columns: TableColumn[];
  partitionKeys: TableColumn[];
  /** Table properties: Parquet with ZSTD, and partition projection over year=/month=/day=. */
  properties: Record<string, string>;
}

/** The columns of the two event tables (sealed and live): the writer's columns, then the recrawled ones. */
export function eventTableColumns(extraColumns: readonly ExtraColumn[]): TableColumn[] {
  return [
    ...LAKE_COLUMNS.map((c) => ({ name: c.name as string, type: c.athena })),
    ...extraColumns.map((c) => ({ name: c.name, type: 'string' })),
  ];
}

/** How far back readers look for the snapshot before a day (reconciliation compares the two). */
export const ACCESS_LOOKBACK_DAYS = 14;

/**
 * The access snapshot tables (the issue 13 contract; src/model/access-tables.ts is the writer's
 * and the readers' one description): org_id, snapshot_day, captured_at, then each table's own
 * columns. access_coverage says per snapshot which tables the OAuth client could read: a table
 * it could not read has readable=false there and no file, so readers treat it as unknown, never
 * as empty.
 */
export function accessTableColumns(table: AccessTable): AccessColumn[] {
  return ACCESS_COLUMNS[table];
}

export const isAccessTable = (name: string): name is AccessTable => (ACCESS_TABLES as readonly string[]).includes(name);

export function lakeTableDefinitions(opts: {
  bucket: string;
  org: string;
  extraColumns: readonly ExtraColumn[];
}): LakeTableDefinition[] {
  const table = (name: LakeTable, columns: TableColumn[]): LakeTableDefinition => {
    const location = `s3://${opts.bucket}/${tablePrefix(opts.org, name)}`;
    return {
      name,
      location,
      columns,
      partitionKeys: PARTITION_COLUMNS.map((p) => ({ name: p, type: 'string' })),
      // Athena computes the year=/month=/day= partitions from the query's predicates: no crawler,
      // no MSCK REPAIR.
      properties: {
        'parquet.compression': 'ZSTD',
        'projection.enabled': 'true',
        'projection.year.type': 'integer',
        'projection.year.range': '2000,2099',
        'projection.month.type': 'integer',
        'projection.month.range': '1,12',
        'projection.month.digits': '2',
        'projection.day.type': 'integer',
        'projection.day.range': '1,31',
        'projection.day.digits': '2',
        'storage.location.template': `${location}year=\${year}/month=\${month}/day=\${day}/`,
      },
    };
  };
  const events = eventTableColumns(opts.extraColumns);
  return [
    table('audit_events', events),
    table('audit_events_live', events),
    table(
      'audit_findings',
      FINDINGS_COLUMNS.map((c) => ({ name: c.name, type: c.athena })),
    ),
    ...ACCESS_TABLES.map((t) =>
      table(
        t,
        accessTableColumns(t).map((c) => ({ name: c.name, type: c.athena })),
      ),
    ),
  ];
}
