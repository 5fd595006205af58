import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LakeRow } from '../model/canonical';
import { openDuckDb } from './duckdb';
import { rowFilesRelation, writeParquet } from './parquet';
import { RowFile } from './row-file';

/**
 * Persists one page's masked rows as a Parquet chunk under _staging/, so a collection that
 * resumes from its last cursor after a crash still has every earlier page. Staging objects
 * carry no retention: they are deleted once the day is sealed.
 */
export async function writeStagingChunk(
  s3: S3Client,
  opts: { bucket: string; key: string; rows: readonly LakeRow[] },
): Promise<{ key: string; rows: number; bytes: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gcaudit-stage-'));
  const db = await openDuckDb({ threads: 1, memoryLimit: '64MB' });
  try {
    const file = new RowFile(path.join(dir, 'rows.ndjson'));
    await file.append(opts.rows);
    await file.close();
    const out = path.join(dir, 'chunk.parquet');
    await writeParquet(db.connection, { relation: rowFilesRelation([file.path]), outPath: out });
    const body = await readFile(out);
    await s3.send(new PutObjectCommand({ Bucket: opts.bucket, Key: opts.key, Body: body, ContentType: 'application/vnd.apache.parquet' }));
    return { key: opts.key, rows: opts.rows.length, bytes: body.length };
  } finally {
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
}
