import { LakeTable, tablePrefix } from '../lake/keys';
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

/** The access snapshot tables (one Parquet file per table per snapshot day), by name. */
export const ACCESS_TABLES = [
  'access_users',
  'access_roles',
  'access_grants',
  'access_oauth_clients',
  'access_divisions',
  'access_coverage',
] as const;
export type AccessTable = (typeof ACCESS_TABLES)[number];

/** How far back readers look for the snapshot before a day (reconciliation compares the two). */
export const ACCESS_LOOKBACK_DAYS = 14;

/** A column with its type on both engines. */
export interface TypedColumn {
  name: string;
  duckdb: string;
  athena: string;
}

const varchar = (name: string): TypedColumn => ({ name, duckdb: 'VARCHAR', athena: 'string' });
const timestamp = (name: string): TypedColumn => ({ name, duckdb: 'TIMESTAMP', athena: 'timestamp' });
const bigint = (name: string): TypedColumn => ({ name, duckdb: 'BIGINT', athena: 'bigint' });
const boolean = (name: string): TypedColumn => ({ name, duckdb: 'BOOLEAN', athena: 'boolean' });
const varcharList = (name: string): TypedColumn => ({ name, duckdb: 'VARCHAR[]', athena: 'array<string>' });

/**
 * Columns of the access snapshot tables, as the snapshot writer writes them (the issue 13
 * contract). Every table also carries org_id, snapshot_day ('YYYY-MM-DD') and captured_at (UTC);
 * year/month/day come from the path. access_coverage says per snapshot which tables the OAuth
 * client could read: a table it could not read has readable=false there and no file, so readers
 * treat it as unknown, never as empty.
 */
export const ACCESS_TABLE_COLUMNS: Record<AccessTable, readonly TypedColumn[]> = {
  access_users: [
    varchar('user_id'),
    varchar('user_name'),
    varchar('state'),
    varchar('division_id'),
    timestamp('date_last_login'),
    timestamp('last_token_issued'),
  ],
  access_roles: [
    varchar('role_id'),
    varchar('role_name'),
    varchar('default_role_id'),
    bigint('user_count'),
    varcharList('permissions'),
    varchar('permissions_hash'),
  ],
  access_grants: [varchar('subject_id'), varchar('subject_type'), varchar('role_id'), varchar('division_id')],
  access_oauth_clients: [
    varchar('client_id'),
    varchar('client_name'),
    varchar('authorized_grant_type'),
    varchar('state'),
    varcharList('role_ids'),
    varchar('created_by_id'),
    timestamp('date_created'),
    varchar('modified_by_id'),
    timestamp('date_modified'),
  ],
  access_divisions: [varchar('division_id'), varchar('division_name'), boolean('home_division')],
  access_coverage: [
    varchar('table_name'),
    boolean('readable'),
    varchar('missing_permission'),
    bigint('row_count'),
    bigint('requests'),
  ],
};

/** A snapshot table's columns: the common ones, then its own. */
export function accessTableColumns(table: AccessTable): TypedColumn[] {
  return [varchar('org_id'), varchar('snapshot_day'), timestamp('captured_at'), ...ACCESS_TABLE_COLUMNS[table]];
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
