import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { isNotFound } from '../s3/not-found';
import { Config } from '../config/config';
import { ImmutabilityError } from '../errors';
import { putLockedObject } from '../s3/locked-object';

/**
 * A small JSON record in the lake, locked and create-only. A record already there stands (a
 * repeated run whose record differs, say by a count, does not replace the first).
 */
export async function putLockedJson(
  s3: S3Client,
  config: Pick<Config, 's3' | 'lake'>,
  key: string,
  value: unknown,
): Promise<{ existed: boolean }> {
  try {
    const put = await putLockedObject(s3, {
      bucket: config.s3.bucket,
      key,
      body: Buffer.from(JSON.stringify(value)),
      contentType: 'application/json',
      lake: config.lake,
    });
    return { existed: put.existed };
  } catch (err) {
    if (!(err instanceof ImmutabilityError)) throw err;
    return { existed: true };
  }
}

/** A JSON record, or undefined when there is none. */
export async function readJson<T>(s3: S3Client, bucket: string, key: string): Promise<T | undefined> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(await res.Body!.transformToString('utf8')) as T;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
