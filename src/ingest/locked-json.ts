import { GetObjectCommand } from '@aws-sdk/client-s3';
import { isNotFound } from '../s3/not-found';
import { ImmutabilityError } from '../errors';
import type { Lake } from '../s3/lake';
import { putLockedObject } from '../s3/locked-object';

/**
 * A small JSON record in the lake, locked and create-only. A record already there stands (a
 * repeated run whose record differs, say by a count, does not replace the first).
 */
export async function putLockedJson(lake: Lake, key: string, value: unknown): Promise<{ existed: boolean }> {
  try {
    const put = await putLockedObject(lake, {
      key,
      body: Buffer.from(JSON.stringify(value)),
      contentType: 'application/json',
    });
    return { existed: put.existed };
  } catch (err) {
    if (!(err instanceof ImmutabilityError)) throw err;
    return { existed: true };
  }
}

/** A JSON record, or undefined when there is none. */
export async function readJson<T>(lake: Lake, key: string): Promise<T | undefined> {
  try {
    const res = await lake.s3.send(new GetObjectCommand({ Bucket: lake.bucket, Key: key }));
    return JSON.parse(await res.Body!.transformToString('utf8')) as T;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
