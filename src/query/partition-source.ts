import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { daysBetween } from '../days';
import { LakeTable, partitionPrefix, tablePrefix } from '../lake/keys';
import { listObjects } from '../s3/list-objects';

export interface LakeFile {
  /** Local path, laid out like the lake key (…/year=/month=/day=/name.parquet), so Hive partitioning reads it. */
  path: string;
  bytes: number;
}

/** Where the DuckDB engine finds a table's Parquet files for some days. */
export interface PartitionSource {
  files(table: LakeTable, days?: { from: string; to: string }): Promise<LakeFile[]>;
}

/**
 * Syncs the partitions a query needs from S3 to a local cache, only those. Lake objects are never
 * overwritten, so a cached file of the same size is the same object and is not fetched again.
 */
export class S3PartitionCache implements PartitionSource {
  constructor(private readonly opts: { s3: S3Client; bucket: string; org: string; cacheDir: string }) {}

  async files(table: LakeTable, days?: { from: string; to: string }): Promise<LakeFile[]> {
    const prefixes = days
      ? daysBetween(days.from, days.to).map((d) => partitionPrefix(this.opts.org, table, d))
      : [tablePrefix(this.opts.org, table)];
    const out: LakeFile[] = [];
    for (const prefix of prefixes) {
      for (const obj of await listObjects(this.opts.s3, this.opts.bucket, prefix)) {
        if (!obj.key.endsWith('.parquet')) continue;
        out.push(await this.fetch(obj.key, obj.size));
      }
    }
    return out;
  }

  private async fetch(key: string, size: number): Promise<LakeFile> {
    const file = path.join(this.opts.cacheDir, this.opts.bucket, ...key.split('/'));
    const have = await stat(file).catch(() => undefined);
    if (have?.size === size) return { path: file, bytes: size };
    await mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    const res = await this.opts.s3.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: key }));
    await pipeline(res.Body as Readable, createWriteStream(partial));
    await rename(partial, file);
    return { path: file, bytes: size };
  }
}

/** A lake already on local disk, laid out like the bucket (the benchmark's generated lake). */
export class LocalLakeDirectory implements PartitionSource {
  constructor(private readonly opts: { root: string; org: string }) {}

  async files(table: LakeTable, days?: { from: string; to: string }): Promise<LakeFile[]> {
    const prefixes = days
      ? daysBetween(days.from, days.to).map((d) => partitionPrefix(this.opts.org, table, d))
      : [tablePrefix(this.opts.org, table)];
    const out: LakeFile[] = [];
    for (const prefix of prefixes) {
      const dir = path.join(this.opts.root, ...prefix.split('/').filter(Boolean));
      const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (!e.isFile() || !e.name.endsWith('.parquet')) continue;
        const file = path.join(e.parentPath, e.name);
        out.push({ path: file, bytes: (await stat(file)).size });
      }
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }
}
