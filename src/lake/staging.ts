import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LakeRow } from '../model/canonical';

const gzipAsync = promisify(gzip);
const STAGING_RETENTION_MS = 86_400_000;

/**
 * Persists one page's masked rows as gzipped NDJSON under _staging/, so a collection that
 * resumes from its last cursor after a crash still has every earlier page. No DuckDB here: a
 * page is small, and the seal reads all chunks at once with DuckDB's JSON reader. A chunk is
 * not evidence: it carries its own one-day GOVERNANCE retention, which overrides a bucket default
 * lock (gcaudit init sets one), so the seal can delete it with BypassGovernanceRetention; if that
 * permission is missing, the _staging/ lifecycle rule removes it once the day has passed.
 */
export async function writeStagingChunk(
  s3: S3Client,
  opts: { bucket: string; key: string; rows: readonly LakeRow[] },
): Promise<{ key: string; rows: number; bytes: number }> {
  const body = await stagingChunkBytes(opts.rows);
  await s3.send(
    new PutObjectCommand({
      Bucket: opts.bucket,
      Key: opts.key,
      Body: body,
      ContentType: 'application/x-ndjson',
      ContentEncoding: 'gzip',
      ObjectLockMode: 'GOVERNANCE',
      ObjectLockRetainUntilDate: new Date(Date.now() + STAGING_RETENTION_MS),
    }),
  );
  return { key: opts.key, rows: opts.rows.length, bytes: body.length };
}

/** A chunk's bytes: one JSON row a line, gzip level 1 (fast; the chunk lives minutes). */
export async function stagingChunkBytes(rows: readonly LakeRow[]): Promise<Buffer> {
  let text = '';
  for (const row of rows) text += `${JSON.stringify(row)}\n`;
  return gzipAsync(text, { level: 1 });
}
