/** The daily access snapshot's tables (one Parquet file each per snapshot day, listed in the day's manifest). */
export const ACCESS_TABLES = [
  'access_users',
  'access_roles',
  'access_grants',
  'access_oauth_clients',
  'access_divisions',
  'access_coverage',
] as const;
export type AccessTable = (typeof ACCESS_TABLES)[number];

/** One column of an access snapshot table: its DuckDB type (the writer) and Athena/Hive type (the catalogue). */
export interface AccessColumn {
  name: string;
  duckdb: string;
  athena: string;
}

const col = (name: string, duckdb: string, athena: string): AccessColumn => ({ name, duckdb, athena });
const text = (name: string) => col(name, 'VARCHAR', 'string');
const time = (name: string) => col(name, 'TIMESTAMP', 'timestamp');
const list = (name: string) => col(name, 'VARCHAR[]', 'array<string>');

/** Every access table starts with these (year/month/day come from the path, as for the other tables). */
const COMMON = [text('org_id'), text('snapshot_day'), time('captured_at')];

/**
 * The access snapshot's tables, column by column, in file order: the contract the review's
 * checks read. A column is only ever added at the end.
 */
export const ACCESS_COLUMNS: Record<AccessTable, AccessColumn[]> = {
  access_users: [
    ...COMMON,
    text('user_id'),
    text('user_name'),
    text('state'),
    text('division_id'),
    time('date_last_login'),
    time('last_token_issued'),
  ],
  access_roles: [
    ...COMMON,
    text('role_id'),
    text('role_name'),
    text('default_role_id'),
    col('user_count', 'BIGINT', 'bigint'),
    list('permissions'),
    text('permissions_hash'),
  ],
  access_grants: [...COMMON, text('subject_id'), text('subject_type'), text('role_id'), text('division_id')],
  access_oauth_clients: [
    ...COMMON,
    text('client_id'),
    text('client_name'),
    text('authorized_grant_type'),
    text('state'),
    list('role_ids'),
    text('created_by_id'),
    time('date_created'),
    text('modified_by_id'),
    time('date_modified'),
  ],
  access_divisions: [...COMMON, text('division_id'), text('division_name'), col('home_division', 'BOOLEAN', 'boolean')],
  access_coverage: [
    ...COMMON,
    text('table_name'),
    col('readable', 'BOOLEAN', 'boolean'),
    text('missing_permission'),
    col('row_count', 'BIGINT', 'bigint'),
    col('requests', 'BIGINT', 'bigint'),
  ],
};
