import { DuckDBResultReader } from '@duckdb/node-api';
import { QueryResult } from './engine';

/**
 * DuckDB results in Athena's wire form: every value as text, NULL as null. Timestamps print like
 * Trino's ('2026-08-03 10:15:00.000'), so code reading results sees the same text on both engines.
 */
export function readDuckDbResult(reader: DuckDBResultReader): Pick<QueryResult, 'columns' | 'rows'> {
  const names = reader.columnNames();
  const types = reader.columnTypes().map((t) => t.toString());
  const rows = reader.getRows().map((row) => row.map((v, i) => toText(v, types[i])));
  return { columns: names.map((name, i) => ({ name, type: types[i] })), rows };
}

function toText(v: unknown, type: string): string | null {
  if (v === null || v === undefined) return null;
  if (type.startsWith('TIMESTAMP')) {
    const s = String(v);
    // DuckDB prints 'YYYY-MM-DD HH:MM:SS[.ffffff]'; Trino's timestamp(3) always has milliseconds.
    const [whole, frac = ''] = s.split('.');
    return `${whole}.${(frac + '000').slice(0, 3)}`;
  }
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
  return String(v);
}
