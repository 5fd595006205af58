import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Lake } from '../s3/lake';
import { eventLinesText } from './event-lines';

const STAGING_RETENTION_MS = 86_400_000;

/**
 * Persists one page's masked event lines under _staging/, so a collection that resumes from its
 * last cursor after a crash still has every earlier page. Not compressed: a chunk lives minutes,
 * gzip costs CPU on every page, and the seal reads plain NDJSON fastest. A chunk is not evidence: it carries its own one-day GOVERNANCE retention, which
 * overrides a bucket default lock (gcaudit init sets one), so the seal can delete it with
 * BypassGovernanceRetention; if that permission is missing, the _staging/ lifecycle rule removes
 * it once the day has passed.
 */
export async function writeStagingChunk(
  lake: Lake,
  opts: { key: string; lines: readonly string[] },
): Promise<{ key: string; events: number; bytes: number }> {
  const body = Buffer.from(eventLinesText(opts.lines), 'utf8');
  await lake.s3.send(
    new PutObjectCommand({
      Bucket: lake.bucket,
      Key: opts.key,
      Body: body,
      ContentType: 'application/x-ndjson',
      ObjectLockMode: 'GOVERNANCE',
      ObjectLockRetainUntilDate: new Date(Date.now() + STAGING_RETENTION_MS),
    }),
  );
  return { key: opts.key, events: opts.lines.length, bytes: body.length };
}
