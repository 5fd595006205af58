import { createWriteStream, WriteStream } from 'node:fs';
import { once } from 'node:events';
import { eventLinesText } from './event-lines';

/**
 * Event lines streamed to a local NDJSON file: memory stays bounded by one batch however large
 * the day, and DuckDB reads the file into Parquet (event-lines.ts).
 */
export class EventLineFile {
  private readonly stream: WriteStream;
  lines = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { highWaterMark: 1 << 20 });
  }

  async append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    this.lines += lines.length;
    if (!this.stream.write(eventLinesText(lines))) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
