import { DuckDBConnection } from '@duckdb/node-api';
import { DuckDbLimits, openDuckDb, sqlString } from '../lake/duckdb';
import { LakeTable } from '../lake/keys';
import { LAKE_COLUMNS } from '../model/canonical';
import { QueryEngine, QueryOptions, QueryResult, referencedTables } from './engine';
import { ExtraColumn } from './extra-columns';
import { allEventsViewSql, FINDINGS_COLUMNS, PARTITION_COLUMNS } from './lake-views';
import { LakeFile, PartitionSource } from './partition-source';
import { readDuckDbResult } from './duckdb-values';
import { addDays } from '../days';
import { accessReconciliationViewSql } from './access-views';
import { ACCESS_LOOKBACK_DAYS, ACCESS_TABLES, accessTableColumns, isAccessTable } from './lake-tables';

export interface DuckDbEngineOptions {
  source: PartitionSource;
  /** Columns the schema recrawl added (read from the lake's schema state per query). */
  extraColumns?: () => Promise<readonly ExtraColumn[]>;
  /** Unset threads: all cores. */
  limits?: Partial<DuckDbLimits>;
  tempDirectory?: string;
}

/**
 * DuckDB over the lake: per query, the partitions it needs (its tables, its days) come from the
 * source (S3 synced to a local cache, or a local directory), and the same table and view names as
 * on Athena are defined over exactly those files. Files are read by column name (union_by_name),
 * so columns added later are never lost, and old files read them as NULL.
 */
export class DuckDbQueryEngine implements QueryEngine {
  readonly name = 'duckdb' as const;

  constructor(private readonly opts: DuckDbEngineOptions) {}

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const started = Date.now();
    const tables = referencedTables(sql);
    const files = new Map<LakeTable, LakeFile[]>();
    // Snapshot tables are read from ACCESS_LOOKBACK_DAYS earlier: reconciliation compares a day
    // with the snapshot before it, and reads the audit events from that snapshot on.
    const accessDays = options.days && { from: addDays(options.days.from, -ACCESS_LOOKBACK_DAYS), to: options.days.to };
    for (const table of tables)
      if (isAccessTable(table)) files.set(table, await this.opts.source.files(table, accessDays));
    const eventDays = eventDaysFor(sql, options.days, files.get('access_coverage') ?? []);
    for (const table of tables)
      if (!isAccessTable(table)) files.set(table, await this.opts.source.files(table, eventDays));
    const extra = (await this.opts.extraColumns?.()) ?? [];
    const db = await openDuckDb({ ...this.opts.limits, tempDirectory: this.opts.tempDirectory });
    try {
      await defineLakeViews(db.connection, files, extra);
      const result = readDuckDbResult(await db.connection.runAndReadAll(sql));
      const read = [...files.values()].flat();
      return {
        ...result,
        stats: {
          engine: 'duckdb',
          ms: Date.now() - started,
          filesRead: read.length,
          bytesScanned: read.reduce((n, f) => n + f.bytes, 0),
        },
      };
    } finally {
      db.close();
    }
  }

  async close(): Promise<void> {}
}

/**
 * The days of audit events a query needs: its days, and for the reconciliation also the days
 * since the last snapshot before them (the events between that snapshot and the first one).
 */
function eventDaysFor(sql: string, days: QueryOptions['days'], coverageFiles: LakeFile[]): QueryOptions['days'] {
  if (!days || !/\baccess_reconciliation\b/i.test(sql)) return days;
  const before = coverageFiles
    .map((f) => /year=(\d{4})[\\/]month=(\d{2})[\\/]day=(\d{2})/.exec(f.path))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}-${m[2]}-${m[3]}`)
    .filter((d) => d < days.from)
    .sort();
  return { from: before.length > 0 ? addDays(before[before.length - 1], 1) : days.from, to: days.to };
}

/** Defines the lake's tables and views (events, findings, access snapshots, reconciliation) over the given files. */
export async function defineLakeViews(
  c: DuckDBConnection,
  files: Map<LakeTable, LakeFile[]>,
  extra: readonly ExtraColumn[],
): Promise<void> {
  const lakeCols = LAKE_COLUMNS.map((col) => ({
    name: col.name as string,
    type: col.name === 'event_time' ? 'TIMESTAMP_MS' : col.duckdb,
  }));
  const extraCols = extra.map((col) => ({ name: col.name, type: 'VARCHAR' }));
  for (const table of ['audit_events', 'audit_events_live'] as const) {
    await c.run(
      `CREATE OR REPLACE VIEW ${table} AS ${await tableSelect(c, files.get(table) ?? [], [...lakeCols, ...extraCols])}`,
    );
  }
  await c.run(
    `CREATE OR REPLACE VIEW audit_events_all AS ${allEventsViewSql('duckdb', extra, { liveIsEmpty: (files.get('audit_events_live') ?? []).length === 0 })}`,
  );
  for (const table of ACCESS_TABLES) {
    const declared = accessTableColumns(table).map((col) => ({ name: col.name, type: col.duckdb }));
    await c.run(`CREATE OR REPLACE VIEW ${table} AS ${await tableSelect(c, files.get(table) ?? [], declared)}`);
  }
  await c.run(`CREATE OR REPLACE VIEW access_reconciliation AS ${accessReconciliationViewSql()}`);
  await c.run(
    `CREATE OR REPLACE VIEW audit_findings AS ${await tableSelect(
      c,
      files.get('audit_findings') ?? [],
      FINDINGS_COLUMNS.map((f) => ({ name: f.name, type: f.duckdb })),
    )}`,
  );
}

/**
 * The declared columns first (a column no file has yet reads as NULL), then any other column the
 * files carry (written by a newer version), then the partition columns as text.
 */
export async function tableSelect(
  c: DuckDBConnection,
  files: LakeFile[],
  declared: Array<{ name: string; type: string }>,
): Promise<string> {
  const partitions = PARTITION_COLUMNS.map((p) => `CAST(NULL AS VARCHAR) AS ${p}`);
  if (files.length === 0) {
    return `SELECT ${[...declared.map((d) => `CAST(NULL AS ${d.type}) AS ${d.name}`), ...partitions].join(', ')} WHERE false`;
  }
  const relation = `read_parquet([${files.map((f) => sqlString(f.path)).join(', ')}], hive_partitioning = true, hive_types_autocast = false, union_by_name = true)`;
  const present = new Set(
    (await c.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`)).getRows().map((r) => String(r[0])),
  );
  const declaredNames = new Set(declared.map((d) => d.name));
  const select = [
    ...declared.map((d) =>
      present.has(d.name)
        ? `CAST(${quoteIdent(d.name)} AS ${d.type}) AS ${d.name}`
        : `CAST(NULL AS ${d.type}) AS ${d.name}`,
    ),
    ...[...present]
      .filter((n) => !declaredNames.has(n) && !(PARTITION_COLUMNS as readonly string[]).includes(n))
      .map(quoteIdent),
    ...PARTITION_COLUMNS.map((p) =>
      present.has(p) ? `CAST(${p} AS VARCHAR) AS ${p}` : `CAST(NULL AS VARCHAR) AS ${p}`,
    ),
  ];
  return `SELECT ${select.join(', ')} FROM ${relation}`;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
