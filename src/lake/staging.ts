import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LakeRow } from '../model/canonical';

const gzipAsync = promisify(gzip);

/**
 * Persists one page's masked rows as gzipped NDJSON under _staging/, so a collection that
 * resumes from its last cursor after a crash still has every earlier page. No DuckDB here: a
 * page is small, and the seal reads all chunks at once with DuckDB's JSON reader. Staging
 * objects carry no retention: they are deleted once the day is sealed.
 */
export async function writeStagingChunk(
  s3: S3Client,
  opts: { bucket: string; key: string; rows: readonly LakeRow[] },
): Promise<{ key: string; rows: number; bytes: number }> {
  const body = await stagingChunkBytes(opts.rows);
  await s3.send(new PutObjectCommand({ Bucket: opts.bucket, Key: opts.key, Body: body, ContentType: 'application/x-ndjson', ContentEncoding: 'gzip' }));
  return { key: opts.key, rows: opts.rows.length, bytes: body.length };
}

/** A chunk's bytes: one JSON row a line, gzip level 1 (fast; the chunk lives minutes). */
export async function stagingChunkBytes(rows: readonly LakeRow[]): Promise<Buffer> {
  let text = '';
  for (const row of rows) text += `${JSON.stringify(row)}\n`;
  return gzipAsync(text, { level: 1 });
}
