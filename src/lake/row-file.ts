import { createWriteStream, WriteStream } from 'node:fs';
import { once } from 'node:events';
import { LakeRow } from '../model/canonical';

/**
 * Lake rows streamed to a newline-delimited JSON file: memory stays bounded by one batch however
 * large the day, and DuckDB's native JSON reader turns the file into Parquet.
 */
export class RowFile {
  private readonly stream: WriteStream;
  rows = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { highWaterMark: 1 << 20 });
  }

  async append(rows: readonly LakeRow[]): Promise<void> {
    if (rows.length === 0) return;
    let chunk = '';
    for (const row of rows) chunk += `${JSON.stringify(row)}\n`;
    this.rows += rows.length;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
