import { DuckDBConnection } from '@duckdb/node-api';
import { InvalidDataError } from '../errors';
import { sqlString } from '../lake/duckdb';

/** What a part's events carry besides their data: where they go and what vouches for them. */
export interface HecEnvelope {
  host: string;
  /** s3://<bucket>/<key> of the part: a Splunk search leads back to the lake object. */
  source: string;
  sourcetype: string;
  index?: string;
  /** SHA-256 of the day's manifest (chain entry) that lists the part, as an indexed field. */
  manifestSha256: string;
}

export type PartKind = 'events' | 'findings';

/** Format version of the HEC lines; part of the batching fingerprint in the ledger. */
export const HEC_LINE_FORMAT = 'gcaudit.hec/v1';

/** Epoch seconds with milliseconds, as text, e.g. 1764582565.123 (exact: no float rounding). */
const epochSeconds = (ts: string) =>
  `(epoch_ms(${ts}) // 1000)::VARCHAR || '.' || lpad((epoch_ms(${ts}) % 1000)::VARCHAR, 3, '0')`;
const iso = (ts: string) => `strftime(${ts}, '%Y-%m-%dT%H:%M:%S.%gZ')`;
const jsonText = (value: string) => JSON.stringify(value);

function header(env: HecEnvelope, time: string): string {
  const meta = `,"host":${jsonText(env.host)},"source":${jsonText(env.source)},"sourcetype":${jsonText(env.sourcetype)}${env.index ? `,"index":${jsonText(env.index)}` : ''}`;
  return `'{"time":' || ${epochSeconds(time)} || ${sqlString(meta)}`;
}

/**
 * The rows of an events part in (event time, event id, change) order, each with the JSON its
 * line needs: the event's row 0 carries the line up to its `"changes":[`, every row its change
 * (none for an event without changes). DuckDB builds the JSON and sorts (spilling to disk for a
 * large part); eventLines() joins each event's rows into its line. The same part always gives
 * the same lines in the same order.
 */
export function eventRowsSql(file: string, env: HecEnvelope): string {
  const event = `to_json(struct_pack(
      event_id := event_id,
      event_time := ${iso('event_time')},
      service_name := service_name, level := level, action := action, status := status,
      entity_type := entity_type, entity_id := entity_id, entity_name := entity_name,
      user_id := user_id, user_name := user_name, client_id := client_id, remote_ip := remote_ip,
      transaction_id := transaction_id, source := source,
      extra := json(extra)))::VARCHAR`;
  return `
    SELECT event_id,
      CASE WHEN change_index = 0 THEN ${header(env, 'event_time')} || ',"event":' || substr(${event}, 1, length(${event}) - 1) || ',"changes":[' END AS head,
      CASE WHEN change_index = 0 AND property IS NULL AND old_value IS NULL AND new_value IS NULL THEN NULL
           ELSE to_json(struct_pack(property := property, old_value := old_value, new_value := new_value))::VARCHAR END AS change
    FROM read_parquet(${sqlString(file)})
    ORDER BY event_time, event_id, change_index`;
}

/** Joins an events part's rows (eventRowsSql) into one HEC line per event. */
async function* eventLines(db: DuckDBConnection, file: string, env: HecEnvelope): AsyncGenerator<string[]> {
  const result = await db.stream(eventRowsSql(file, env));
  const tail = `,"manifest_sha256":"${env.manifestSha256}"}}`;
  let head: string | null = null;
  let id = '';
  let changes: string[] = [];
  const line = () => `${head}${changes.join(',')}]},"fields":{"event_id":${JSON.stringify(id)}${tail}`;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const ids = chunk.getColumnValues(0) as string[];
    const heads = chunk.getColumnValues(1) as Array<string | null>;
    const items = chunk.getColumnValues(2) as Array<string | null>;
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (heads[i] !== null) {
        if (head !== null) out.push(line());
        head = heads[i];
        id = ids[i];
        changes = [];
      } else if (ids[i] !== id) {
        throw new InvalidDataError(`event ${ids[i]} has property changes but no row with change_index 0`);
      }
      if (items[i] !== null) changes.push(items[i]!);
    }
    if (out.length > 0) yield out;
  }
  if (head !== null) yield [line()];
}

/**
 * One HEC event line per finding of a findings object, with its check, severity and controls
 * (SOC 2, PCI DSS, HIPAA) as JSON, ordered by first event time and finding key.
 */
export function findingLinesSql(file: string, env: HecEnvelope): string {
  const event = `to_json(struct_pack(
      check_id := check_id, title := title, severity := severity,
      controls := json(controls),
      window_from := ${iso('window_from')}, window_to := ${iso('window_to')},
      finding_key := finding_key, user_id := user_id,
      event_ids := json(event_ids), event_count := event_count,
      first_event_time := ${iso('first_event_time')}, last_event_time := ${iso('last_event_time')},
      summary := summary, parameters := json(parameters), results_sha256 := results_sha256,
      run_at := ${iso('run_at')}, engine := engine))::VARCHAR`;
  return `
    SELECT ${header(env, 'coalesce(first_event_time, window_from)')} || ',"event":' || ${event}
      || ',"fields":{"finding_id":' || to_json(check_id || '/' || finding_key)::VARCHAR
      || ',"check_id":' || to_json(check_id)::VARCHAR || ',"severity":' || to_json(severity)::VARCHAR
      || ',"manifest_sha256":"${env.manifestSha256}"}}' AS line
    FROM read_parquet(${sqlString(file)})
    ORDER BY coalesce(first_event_time, window_from), check_id, finding_key`;
}

/** Streams the lines of a part, chunk by chunk (2048 lines), without holding the part's JSON in memory. */
export async function* partLines(
  db: DuckDBConnection,
  kind: PartKind,
  file: string,
  env: HecEnvelope,
): AsyncGenerator<string[]> {
  if (kind === 'events') {
    yield* eventLines(db, file, env);
    return;
  }
  const result = await db.stream(findingLinesSql(file, env));
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    yield chunk.getColumnValues(0) as string[];
  }
}

export interface BatchCaps {
  maxEvents: number;
  maxBytes: number;
}

export interface Batch {
  index: number;
  /** Offsets of its first event and one past its last, in the part's line order. */
  from: number;
  to: number;
  /** Uncompressed body: lines joined by "\n". */
  body: string;
}

/**
 * Cuts a part's lines into batches, capped by events and uncompressed bytes: a pure function of
 * the lines and the caps, so a resumed delivery rebuilds exactly the batches it sent before.
 * A single line over the byte cap is a batch of its own (Splunk's max_content_length decides).
 */
export async function* batches(chunks: AsyncIterable<string[]>, caps: BatchCaps): AsyncGenerator<Batch> {
  let lines: string[] = [];
  let bytes = 0;
  let from = 0;
  let index = 0;
  for await (const chunk of chunks) {
    for (const line of chunk) {
      const size = Buffer.byteLength(line) + 1;
      if (lines.length > 0 && (lines.length >= caps.maxEvents || bytes + size > caps.maxBytes)) {
        yield { index: index++, from, to: from + lines.length, body: lines.join('\n') };
        from += lines.length;
        lines = [];
        bytes = 0;
      }
      lines.push(line);
      bytes += size;
    }
  }
  if (lines.length > 0) yield { index, from, to: from + lines.length, body: lines.join('\n') };
}
