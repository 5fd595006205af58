import { addDays } from '../days';
import { LAKE_COLUMNS } from '../model/canonical';
import type { Lake } from '../s3/lake';
import { QueryEngine, rowObjects } from './engine';
import { columnNameFor, ExtraColumn, FIELD_RE } from './extra-columns';
import { PARTITION_COLUMNS } from './lake-views';
import { appendSchemaColumns, readSchemaState, SchemaState } from './schema-state';

export interface RecrawlReport {
  days: { from: string; to: string };
  /** Fields seen in `extra` in those days, with the rows carrying them. */
  seen: Array<{ field: string; rows: number }>;
  added: ExtraColumn[];
  /** Fields that cannot become a column (odd names, or a name an existing column has). */
  skipped: Array<{ field: string; reason: string }>;
  version: number;
  stateKey: string | null;
}

/**
 * Finds top-level fields of `extra` (source fields the tables have no column for) in the recent
 * days of the lake, sealed and live, and records new columns for them in the schema state. It
 * only ever appends: a column once added stays, with its name and type (string).
 */
export async function recrawlSchema(
  deps: { lake: Lake; engine: QueryEngine },
  req: { org: string; today: string; days: number; now: string },
): Promise<RecrawlReport & { state: SchemaState }> {
  const days = { from: addDays(req.today, -req.days), to: addDays(req.today, -1) };
  const previous = await readSchemaState(deps.lake, req.org);
  // DuckDB's JSON functions: the recrawl always runs on the local engine.
  const result = await deps.engine.query(
    `SELECT field, count(*) AS row_count, max(CASE WHEN json_type(extra, '$."' || field || '"') IN ('OBJECT', 'ARRAY') THEN 1 ELSE 0 END) AS is_json
     FROM (SELECT extra, unnest(json_keys(extra)) AS field FROM audit_events_all WHERE extra IS NOT NULL AND json_valid(extra) AND json_type(extra) = 'OBJECT')
     GROUP BY field ORDER BY field`,
    { days },
  );
  const seen = rowObjects(result).map((r) => ({ field: r.field!, rows: Number(r.row_count), json: r.is_json === '1' }));
  const taken = new Set<string>([
    ...LAKE_COLUMNS.map((c) => c.name as string),
    ...PARTITION_COLUMNS,
    ...previous.columns.map((c) => c.name),
  ]);
  const knownFields = new Set(previous.columns.map((c) => c.field));
  const added: ExtraColumn[] = [];
  const skipped: RecrawlReport['skipped'] = [];
  for (const s of seen) {
    if (knownFields.has(s.field)) continue;
    if (!FIELD_RE.test(s.field)) {
      skipped.push({ field: s.field, reason: 'not a plain identifier; it stays in extra' });
      continue;
    }
    const name = columnNameFor(s.field);
    if (taken.has(name)) {
      skipped.push({ field: s.field, reason: `column ${name} already exists; it stays in extra` });
      continue;
    }
    taken.add(name);
    added.push({ name, field: s.field, kind: s.json ? 'json' : 'scalar' });
  }
  const base = { days, seen: seen.map(({ field, rows }) => ({ field, rows })), added, skipped };
  if (added.length === 0) return { ...base, version: previous.version, stateKey: null, state: previous };
  const { state, key } = await appendSchemaColumns(deps.lake, req.org, previous, added, req.now);
  return { ...base, version: state.version, stateKey: key, state };
}
