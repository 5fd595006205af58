import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { InvalidDataError } from '../errors';
import { PartRef } from './ledger';

/**
 * Downloads the version of a part its manifest (or, for findings, its write) recorded and
 * checks it before anything reads it: no other version or delete marker on the key (a newer
 * version is tampering, as verify reports it), and the bytes hash to the recorded SHA-256.
 * What does not verify is never sent: InvalidDataError, which no retry can fix.
 */
export async function downloadVerified(
  s3: S3Client,
  bucket: string,
  part: PartRef,
  file: string,
): Promise<{ bytes: number }> {
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: part.key, MaxKeys: 10 }));
  const versions = [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].filter((v) => v.Key === part.key);
  const others = versions.filter((v) => v.VersionId !== part.versionId);
  if (!versions.some((v) => v.VersionId === part.versionId)) {
    throw new InvalidDataError(
      `${part.key}: the recorded version ${part.versionId} is not stored; not sent (run gcaudit verify)`,
    );
  }
  if (others.length > 0) {
    throw new InvalidDataError(
      `${part.key}: ${others.length} other version(s) or delete marker(s) beside the recorded version ${part.versionId}; not sent (run gcaudit verify)`,
    );
  }
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: part.key, VersionId: part.versionId }));
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(res.Body as Readable, tap, createWriteStream(file));
  const sha256 = hash.digest('hex');
  if (sha256 !== part.sha256) {
    throw new InvalidDataError(
      `${part.key} (version ${part.versionId}): SHA-256 ${sha256.slice(0, 12)}… does not match the ${part.kind === 'events' ? 'manifest' : 'recorded'} ${part.sha256.slice(0, 12)}…; not sent`,
    );
  }
  return { bytes };
}
