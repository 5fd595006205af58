import { DuckDBConnection } from '@duckdb/node-api';
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
const epochSeconds = (ts: string) => `(epoch_ms(${ts}) // 1000)::VARCHAR || '.' || lpad((epoch_ms(${ts}) % 1000)::VARCHAR, 3, '0')`;
const iso = (ts: string) => `strftime(${ts}, '%Y-%m-%dT%H:%M:%S.%gZ')`;
const jsonText = (value: string) => JSON.stringify(value);

function header(env: HecEnvelope, time: string): string {
  const meta = `,"host":${jsonText(env.host)},"source":${jsonText(env.source)},"sourcetype":${jsonText(env.sourcetype)}${env.index ? `,"index":${jsonText(env.index)}` : ''}`;
  return `'{"time":' || ${epochSeconds(time)} || ${sqlString(meta)}`;
}

/**
 * One HEC event line per audit event of an events part (its rows grouped back into the event,
 * property changes as a list in change order), ordered by event time then id: the same part
 * always gives the same lines in the same order. DuckDB builds the JSON text.
 */
export function eventLinesSql(file: string, env: HecEnvelope): string {
  const event = `to_json(struct_pack(
      event_id := event_id,
      event_time := ${iso('t')},
      service_name := service_name, level := level, action := action, status := status,
      entity_type := entity_type, entity_id := entity_id, entity_name := entity_name,
      user_id := user_id, user_name := user_name, client_id := client_id, remote_ip := remote_ip,
      transaction_id := transaction_id, source := source,
      changes := changes,
      extra := json(extra)))::VARCHAR`;
  return `
    WITH e AS (
      SELECT event_id, min(event_time) AS t,
        any_value(service_name) AS service_name, any_value(level) AS level, any_value(action) AS action,
        any_value(status) AS status, any_value(entity_type) AS entity_type, any_value(entity_id) AS entity_id,
        any_value(entity_name) AS entity_name, any_value(user_id) AS user_id, any_value(user_name) AS user_name,
        any_value(client_id) AS client_id, any_value(remote_ip) AS remote_ip, any_value(transaction_id) AS transaction_id,
        any_value(source) AS source, any_value(extra) AS extra,
        CASE WHEN count(*) = 1 AND bool_and(property IS NULL AND old_value IS NULL AND new_value IS NULL) THEN []
             ELSE list(struct_pack(property := property, old_value := old_value, new_value := new_value) ORDER BY change_index) END AS changes
      FROM read_parquet(${sqlString(file)})
      GROUP BY event_id
    )
    SELECT ${header(env, 't')} || ',"event":' || ${event}
      || ',"fields":{"event_id":' || to_json(event_id)::VARCHAR || ',"manifest_sha256":"${env.manifestSha256}"}}' AS line
    FROM e ORDER BY t, event_id`;
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
export async function* partLines(db: DuckDBConnection, kind: PartKind, file: string, env: HecEnvelope): AsyncGenerator<string[]> {
  const result = await db.stream(kind === 'events' ? eventLinesSql(file, env) : findingLinesSql(file, env));
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
