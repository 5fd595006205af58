import { open, rm } from 'node:fs/promises';
import * as path from 'node:path';
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

/** Column separator of the row file (COPY ... FORMAT csv, unquoted): JSON text never holds a raw control character. */
const SEP = 0x01;
const NEWLINE = 0x0a;
const NEWLINE_BYTES = Buffer.from('\n');
const CHANGES_OPEN = Buffer.from(',"changes":[');
const COMMA = Buffer.from(',');

/** One HEC line as the pieces of UTF-8 it is made of, and its length: a batch copies each piece once. */
export interface HecLine {
  pieces: Buffer[];
  bytes: number;
}

/**
 * The rows of an events part in (event time, event id, change) order, three columns each: the
 * event id as JSON, on the event's row 0 the line up to the end of its event object (the `}`
 * eventLines() replaces by `,"changes":[`), and the row's change (none for an event without
 * changes). DuckDB builds the JSON and sorts (spilling to disk for a large part); eventLines()
 * joins each event's rows into its line. The same part always gives the same lines in the same order.
 * `inOrder`: the file's rows are already in that order (partInLineOrder), so the sort is left out.
 */
export function eventRowsSql(file: string, env: HecEnvelope, inOrder = false): string {
  const event = `to_json(struct_pack(
      event_id := event_id,
      event_time := ${iso('event_time')},
      service_name := service_name, level := level, action := action, status := status,
      entity_type := entity_type, entity_id := entity_id, entity_name := entity_name,
      user_id := user_id, user_name := user_name, client_id := client_id, remote_ip := remote_ip,
      transaction_id := transaction_id, source := source,
      extra := json(extra)))::VARCHAR`;
  return `
    SELECT to_json(event_id)::VARCHAR AS id,
      CASE WHEN change_index = 0 THEN ${header(env, 'event_time')} || ',"event":' || ${event} END AS head,
      CASE WHEN change_index = 0 AND property IS NULL AND old_value IS NULL AND new_value IS NULL THEN NULL
           ELSE to_json(struct_pack(property := property, old_value := old_value, new_value := new_value))::VARCHAR END AS change
    FROM read_parquet(${sqlString(file)})
    ${inOrder ? '' : 'ORDER BY event_time, event_id, change_index'}`;
}

/**
 * Whether an events part's rows are strictly in (event_time, event_id, change_index) order as
 * stored, as the sealer writes them: then DuckDB keeps that order (one thread, insertion order
 * preserved) and the lines are the same bytes without sorting them again (a third of the
 * lines' CPU). Any other file, or a key that is NULL, is sorted.
 */
export async function partInLineOrder(db: DuckDBConnection, file: string): Promise<boolean> {
  const result = await db.runAndReadAll(`
    SELECT count(*) FILTER (WHERE NOT coalesce(ordered, rn = 0)) = 0
       AND count(*) FILTER (WHERE event_time IS NULL OR event_id IS NULL OR change_index IS NULL) = 0
    FROM (
      SELECT event_time, event_id, change_index, file_row_number AS rn,
        (event_time, event_id, change_index) > lag((event_time, event_id, change_index)) OVER (ORDER BY file_row_number) AS ordered
      FROM read_parquet(${sqlString(file)}, file_row_number = true))`);
  return result.getRows()[0][0] === true;
}

/** Bytes read from the row file at a time. */
const READ_BYTES = 8 << 20;

/**
 * An events part's lines, as bytes. DuckDB writes the rows (eventRowsSql) to a file in `workDir`,
 * unquoted, and the lines are joined from its bytes: no JS string per row (turning DuckDB's
 * strings into JS strings and back into UTF-8 was the larger part of the delivery's CPU).
 */
async function* eventLines(
  db: DuckDBConnection,
  file: string,
  env: HecEnvelope,
  workDir: string,
): AsyncGenerator<HecLine[]> {
  const rowsFile = path.join(workDir, 'hec-rows.txt');
  const sep = String.fromCharCode(SEP);
  await db.run(
    `COPY (${eventRowsSql(file, env, await partInLineOrder(db, file))}) TO ${sqlString(rowsFile)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '${sep}', NULLSTR '')`,
  );
  const fieldsOpen = Buffer.from(']},"fields":{"event_id":');
  const tail = Buffer.from(`,"manifest_sha256":"${env.manifestSha256}"}}`);
  const handle = await open(rowsFile, 'r');
  try {
    let parts: Buffer[] = [];
    let bytes = 0;
    let id: Buffer | null = null;
    const line = (): HecLine => {
      parts.push(fieldsOpen, id!, tail);
      const out = { pieces: parts, bytes: bytes + fieldsOpen.length + id!.length + tail.length };
      parts = [];
      bytes = 0;
      return out;
    };
    let rest = Buffer.alloc(0);
    for (;;) {
      const chunk = Buffer.allocUnsafe(rest.length + READ_BYTES);
      rest.copy(chunk);
      const { bytesRead } = await handle.read(chunk, rest.length, READ_BYTES, null);
      const buf = chunk.subarray(0, rest.length + bytesRead);
      if (bytesRead === 0) {
        if (buf.length > 0) throw new InvalidDataError(`${file}: the HEC rows end without a newline`);
        break;
      }
      const out: HecLine[] = [];
      let p = 0;
      for (let nl = buf.indexOf(NEWLINE, p); nl !== -1; p = nl + 1, nl = buf.indexOf(NEWLINE, p)) {
        const a = buf.indexOf(SEP, p);
        const b = a === -1 ? -1 : buf.indexOf(SEP, a + 1);
        if (b === -1 || b > nl) throw new InvalidDataError(`${file}: a HEC row without its three columns`);
        const rowId = buf.subarray(p, a);
        if (b > a + 1) {
          // Row 0 of an event: its head, whose closing brace gives way to the changes.
          if (buf[b - 1] !== 0x7d)
            throw new InvalidDataError(`${file}: the event of ${rowId.toString()} is no JSON object`);
          if (id !== null) out.push(line());
          id = rowId;
          parts.push(buf.subarray(a + 1, b - 1), CHANGES_OPEN);
          bytes += b - 1 - (a + 1) + CHANGES_OPEN.length;
          if (nl > b + 1) {
            parts.push(buf.subarray(b + 1, nl));
            bytes += nl - (b + 1);
          }
        } else {
          if (id === null || !rowId.equals(id)) {
            throw new InvalidDataError(`event ${rowId.toString()} has property changes but no row with change_index 0`);
          }
          if (parts.at(-1) !== CHANGES_OPEN) {
            parts.push(COMMA);
            bytes += 1;
          }
          parts.push(buf.subarray(b + 1, nl));
          bytes += nl - (b + 1);
        }
      }
      rest = buf.subarray(p);
      if (out.length > 0) yield out;
    }
    if (id !== null) yield [line()];
  } finally {
    await handle.close();
    await rm(rowsFile, { force: true });
  }
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

/**
 * Streams the lines of a part as UTF-8, chunk by chunk, without holding the part's JSON in
 * memory (an events part's rows pass through a file in `workDir`).
 */
export async function* partLines(
  db: DuckDBConnection,
  kind: PartKind,
  file: string,
  env: HecEnvelope,
  workDir: string,
): AsyncGenerator<HecLine[]> {
  if (kind === 'events') {
    yield* eventLines(db, file, env, workDir);
    return;
  }
  const result = await db.stream(findingLinesSql(file, env));
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    yield (chunk.getColumnValues(0) as string[]).map((l) => {
      const b = Buffer.from(l);
      return { pieces: [b], bytes: b.length };
    });
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
  /** Uncompressed body: lines joined by "\n", UTF-8. */
  body: Buffer;
}

/**
 * Cuts a part's lines into batches, capped by events and uncompressed bytes: a pure function of
 * the lines and the caps, so a resumed delivery rebuilds exactly the batches it sent before.
 * A single line over the byte cap is a batch of its own (Splunk's max_content_length decides).
 */
export async function* batches(chunks: AsyncIterable<HecLine[]>, caps: BatchCaps): AsyncGenerator<Batch> {
  let lines: HecLine[] = [];
  let bytes = 0;
  let from = 0;
  let index = 0;
  const body = () => {
    const pieces: Buffer[] = [];
    for (const [i, line] of lines.entries()) {
      if (i > 0) pieces.push(NEWLINE_BYTES);
      for (const piece of line.pieces) pieces.push(piece);
    }
    return Buffer.concat(pieces, bytes - 1);
  };
  for await (const chunk of chunks) {
    for (const line of chunk) {
      const size = line.bytes + 1;
      if (lines.length > 0 && (lines.length >= caps.maxEvents || bytes + size > caps.maxBytes)) {
        yield { index: index++, from, to: from + lines.length, body: body() };
        from += lines.length;
        lines = [];
        bytes = 0;
      }
      lines.push(line);
      bytes += size;
    }
  }
  if (lines.length > 0) yield { index, from, to: from + lines.length, body: body() };
}
