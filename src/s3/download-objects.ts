import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';

/**
 * Streams objects to files in `dir`, named by their position (zero-padded, so the names sort in
 * the keys' order) with `extension`; returns the files in the keys' order.
 */
export async function downloadObjects(
  s3: S3Client,
  bucket: string,
  keys: string[],
  dir: string,
  extension: string,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const [i, key] of keys.entries()) {
    const file = path.join(dir, `${String(i).padStart(6, '0')}${extension}`);
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await pipeline(res.Body as Readable, createWriteStream(file));
    files.push(file);
  }
  return files;
}
