import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { Lake } from '../s3/lake';
import { partitionPrefix } from '../lake/keys';
import { ManifestChain } from '../lake/manifest-chain';
import { listKeys } from '../s3/list-objects';
import { InvalidDataError } from '../errors';
import { PartRef, readReceipts } from './ledger';

export interface DayPlan {
  day: string;
  sealed: boolean;
  /** The day's latest manifest (chain entry). */
  manifest: { key: string; sha256: string; version: number } | null;
  /** Parts no receipt covers yet, in delivery order: event parts by seal version, then findings. */
  pending: PartRef[];
  /** Parts earlier receipts already cover (a repeated run sends nothing for them). */
  delivered: number;
  receipts: number;
}

/**
 * What a delivery of a day has to send: every event part the day's manifests list (each
 * manifest checked against its day pointer's hash) and every findings object of the day, less
 * what the day's receipts already cover (same key and version).
 */
export async function planDay(lake: Lake, org: string, sink: string, day: string): Promise<DayPlan> {
  const { s3, bucket } = lake;
  const chain = new ManifestChain(lake, org);
  const pointers = await chain.dayPointers(day);
  if (pointers.length === 0) return { day, sealed: false, manifest: null, pending: [], delivered: 0, receipts: 0 };
  const manifests = await chain.dayManifests(day);
  const latest = pointers.at(-1)!;
  const parts: PartRef[] = [];
  manifests.forEach((m, i) => {
    const pointer = pointers[i];
    for (const o of m.objects) {
      if (o.table !== 'audit_events') continue;
      if (!o.versionId)
        throw new InvalidDataError(
          `${o.key}: the manifest of ${day} v${m.version} records no version id, so the part cannot be checked before it is sent`,
        );
      parts.push({
        kind: 'events',
        key: o.key,
        versionId: o.versionId,
        sha256: o.sha256,
        manifestKey: pointer.key,
        manifestSha256: pointer.sha256,
        manifestVersion: m.version,
        events: o.events,
      });
    }
  });
  // Findings are no manifest's objects: each is create-only and carries the SHA-256 it was written with.
  for (const key of (await listKeys(s3, bucket, partitionPrefix(org, 'audit_findings', day))).filter((k) =>
    k.endsWith('.parquet'),
  )) {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const sha256 = head.Metadata?.sha256;
    if (!sha256 || !head.VersionId)
      throw new InvalidDataError(
        `${key}: a findings object without its recorded SHA-256 or version; it was not written by gcaudit`,
      );
    parts.push({
      kind: 'findings',
      key,
      versionId: head.VersionId,
      sha256,
      manifestKey: latest.key,
      manifestSha256: latest.sha256,
      manifestVersion: latest.version,
      events: null,
    });
  }
  const receipts = await readReceipts(lake, org, sink, day);
  const covered = new Set(receipts.flatMap((r) => r.receipt.parts.map((p) => `${p.key}@${p.versionId}`)));
  const pending = parts.filter((p) => !covered.has(`${p.key}@${p.versionId}`));
  return {
    day,
    sealed: true,
    manifest: { key: latest.key, sha256: latest.sha256, version: latest.version },
    pending,
    delivered: parts.length - pending.length,
    receipts: receipts.length,
  };
}
