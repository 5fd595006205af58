import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectVersionsCommandInput,
  ListObjectVersionsCommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';

/** The one hand-written listing loop: AWS SDK v3 has no paginateListObjectVersions (its next page needs two markers). */
export async function* paginateListObjectVersions(
  config: { client: S3Client },
  input: ListObjectVersionsCommandInput,
): AsyncGenerator<ListObjectVersionsCommandOutput> {
  let markers: Pick<ListObjectVersionsCommandInput, 'KeyMarker' | 'VersionIdMarker'> = {};
  do {
    const page = await config.client.send(new ListObjectVersionsCommand({ ...input, ...markers }));
    yield page;
    markers = page.IsTruncated ? { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker } : {};
  } while (markers.KeyMarker);
}

/** One version of a key, or a delete marker. */
export interface ObjectVersion {
  key: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  lastModified: number;
  size: number;
}

/**
 * Every version and delete marker under a prefix, per key, oldest first. A versioned bucket is
 * the evidence here: a "modified" object is a newer version on the same key, a "deleted" one a
 * delete marker over versions that Object Lock keeps.
 */
export async function listVersions(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<Map<string, ObjectVersion[]>> {
  const byKey = new Map<string, ObjectVersion[]>();
  let order = 0;
  const seen = new Map<ObjectVersion, number>();
  for await (const page of paginateListObjectVersions({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    const add = (
      v: { Key?: string; VersionId?: string; IsLatest?: boolean; LastModified?: Date; Size?: number },
      deleteMarker: boolean,
    ) => {
      if (!v.Key) return;
      const entry: ObjectVersion = {
        key: v.Key,
        versionId: v.VersionId ?? 'null',
        isLatest: v.IsLatest ?? false,
        deleteMarker,
        lastModified: v.LastModified?.getTime() ?? 0,
        size: v.Size ?? 0,
      };
      seen.set(entry, order++);
      const list = byKey.get(v.Key) ?? [];
      list.push(entry);
      byKey.set(v.Key, list);
    };
    for (const v of page.Versions ?? []) add(v, false);
    for (const m of page.DeleteMarkers ?? []) add(m, true);
  }
  // S3 lists a key's versions newest first; the latest flag wins over equal timestamps.
  for (const list of byKey.values()) {
    list.sort((a, b) =>
      a.isLatest !== b.isLatest
        ? a.isLatest
          ? 1
          : -1
        : a.lastModified - b.lastModified || seen.get(b)! - seen.get(a)!,
    );
  }
  return byKey;
}

/**
 * Deletes every version and delete marker under a prefix, a page at a time. `bypassGovernance`
 * removes versions under a GOVERNANCE lock (the caller's role must allow it); COMPLIANCE locks hold.
 */
export async function deleteAllVersions(
  s3: S3Client,
  bucket: string,
  prefix: string,
  opts: { bypassGovernance?: boolean } = {},
): Promise<void> {
  for await (const page of paginateListObjectVersions({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key!,
      VersionId: v.VersionId,
    }));
    if (objects.length === 0) continue;
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: objects, Quiet: true },
        BypassGovernanceRetention: opts.bypassGovernance,
      }),
    );
  }
}

/** The latest entry of a key (a delete marker when the key is deleted). */
export const latestOf = (versions: ObjectVersion[]): ObjectVersion | undefined =>
  versions.find((v) => v.isLatest) ?? versions.at(-1);

export async function readVersion(s3: S3Client, bucket: string, key: string, versionId?: string): Promise<Buffer> {
  const res = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId === 'null' ? undefined : versionId }),
  );
  return Buffer.from(await res.Body!.transformToByteArray());
}

export interface ObjectHead {
  lockMode?: string;
  retainUntil?: string;
  legalHold?: string;
  storageClass: string;
  /** x-amz-restore as S3 sends it, e.g. ongoing-request="false", expiry-date="...". */
  restore?: string;
  sha256Metadata?: string;
}

export async function headVersion(s3: S3Client, bucket: string, key: string, versionId?: string): Promise<ObjectHead> {
  const head = await s3.send(
    new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId === 'null' ? undefined : versionId }),
  );
  return {
    lockMode: head.ObjectLockMode,
    retainUntil: head.ObjectLockRetainUntilDate?.toISOString(),
    legalHold: head.ObjectLockLegalHoldStatus,
    storageClass: head.StorageClass ?? 'STANDARD',
    restore: head.Restore,
    sha256Metadata: head.Metadata?.sha256,
  };
}
