/**
 * Columns added by the schema recrawl: fields found in `extra` (source fields without a column of
 * their own). Files written before a column existed lack it, so the view reads such a column as
 * the file's value or, failing that, the field out of `extra`: old data gains the column too.
 */
export interface ExtraColumn {
  /** Column name: snake_case of the field, lower case (Glue lower-cases names anyway). */
  name: string;
  /** Top-level key in `extra`. */
  field: string;
  /** scalar: the value as text; json: objects and arrays as JSON text. */
  kind: 'scalar' | 'json';
}

export type Dialect = 'duckdb' | 'athena';

/** Field names we turn into columns: plain identifiers, so the JSON path needs no quoting. */
export const FIELD_RE = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

export function columnNameFor(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** The field out of `extra`, as text, in the engine's JSON functions. */
export function extractSql(col: ExtraColumn, dialect: Dialect, extra = 'extra'): string {
  if (!FIELD_RE.test(col.field)) throw new Error(`unsupported field name ${JSON.stringify(col.field)}`);
  const path = `'$.${col.field}'`;
  if (dialect === 'athena') {
    return col.kind === 'scalar'
      ? `json_extract_scalar(${extra}, ${path})`
      : `json_format(json_extract(${extra}, ${path}))`;
  }
  return col.kind === 'scalar'
    ? `json_extract_string(${extra}, ${path})`
    : `CAST(json_extract(${extra}, ${path}) AS VARCHAR)`;
}
