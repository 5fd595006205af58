/**
 * Athena runs DDL (CREATE EXTERNAL TABLE, ALTER TABLE ADD COLUMNS) through Hive, not Trino: its
 * backquotes, STORED AS, LOCATION and TBLPROPERTIES (partition projection) are Hive syntax that
 * Trino's parser rightly rejects. To run the views and checks on Trino's engine over tables with
 * exactly the columns and types that DDL declares, these read the project's generated Hive
 * statements and give the same tables in Trino's DDL (memory connector): each Hive type becomes
 * the Trino type Athena reads it as (Athena's documented mapping: string is varchar, int is
 * integer, timestamp is timestamp(3)). A type missing from the map fails the test.
 */
const HIVE_TO_TRINO: Record<string, string> = {
  string: 'varchar',
  int: 'integer',
  integer: 'integer',
  bigint: 'bigint',
  smallint: 'smallint',
  tinyint: 'tinyint',
  boolean: 'boolean',
  double: 'double',
  float: 'real',
  date: 'date',
  timestamp: 'timestamp(3)',
};

export interface HiveColumn {
  name: string;
  hiveType: string;
  trinoType: string;
}

const hiveIdentifier = (s: string) => s.replace(/^`(.*)`$/, '$1');

/** A Hive type as Athena reads it; `array<T>` is Trino's `array(T)`. */
function trinoTypeOf(hiveType: string): string {
  const array = /^array<(\w+)>$/.exec(hiveType);
  const trinoType = array ? `array(${trinoTypeOf(array[1])})` : HIVE_TO_TRINO[hiveType];
  if (!trinoType) throw new Error(`Hive type ${hiveType} has no Trino type in Athena's mapping`);
  return trinoType;
}

function column(text: string): HiveColumn {
  const m = /^\s*(`[^`]+`|\w+)\s+(\w+(?:<\w+>)?)\s*$/.exec(text);
  if (!m) throw new Error(`not a Hive column definition: ${JSON.stringify(text)}`);
  const hiveType = m[2].toLowerCase();
  return { name: hiveIdentifier(m[1]), hiveType, trinoType: trinoTypeOf(hiveType) };
}

export interface HiveTable {
  database: string;
  table: string;
  columns: HiveColumn[];
  partitions: HiveColumn[];
}

/** The parts of a CREATE EXTERNAL TABLE that the engine needs: names, columns, partition columns. */
export function readCreateExternalTable(sql: string): HiveTable {
  const m =
    /^CREATE EXTERNAL TABLE IF NOT EXISTS (`[^`]+`|\w+)\.(`[^`]+`|\w+) \(\n([\s\S]*?)\n\)\nPARTITIONED BY \(([^)]*)\)\nSTORED AS PARQUET\nLOCATION '[^']+'\nTBLPROPERTIES \(/.exec(
      sql,
    );
  if (!m) throw new Error(`not the CREATE EXTERNAL TABLE shape this reads:\n${sql}`);
  return {
    database: hiveIdentifier(m[1]),
    table: hiveIdentifier(m[2]),
    columns: m[3].split(',\n').map(column),
    partitions: m[4].split(',').map(column),
  };
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The same table on Trino: columns, then the partition columns (as Athena lists them). */
export function trinoCreateTable(t: HiveTable): string {
  const cols = [...t.columns, ...t.partitions].map((c) => `  ${quoted(c.name)} ${c.trinoType}`).join(',\n');
  return `CREATE TABLE ${quoted(t.database)}.${quoted(t.table)} (\n${cols}\n)`;
}

/** ALTER TABLE ... ADD COLUMNS (Hive, several at once) as Trino's ADD COLUMN, one per column. */
export function trinoAddColumns(sql: string): string[] {
  const m = /^ALTER TABLE (`[^`]+`|\w+)\.(`[^`]+`|\w+) ADD COLUMNS \((.*)\)$/.exec(sql);
  if (!m) throw new Error(`not the ALTER TABLE ADD COLUMNS shape this reads: ${sql}`);
  const table = `${quoted(hiveIdentifier(m[1]))}.${quoted(hiveIdentifier(m[2]))}`;
  return m[3]
    .split(',')
    .map(column)
    .map((c) => `ALTER TABLE ${table} ADD COLUMN ${quoted(c.name)} ${c.trinoType}`);
}
