import { Context } from '@temporalio/activity';
import { RestoreObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { daysBetween } from '../days';
import { needsRestore, restoreExpiry, restoreState } from '../evidence/archive-state';
import { headVersion } from '../s3/object-versions';
import { ManifestChain } from '../lake/manifest-chain';
import { lakeOf } from '../s3/lake';

/** An event part the range's manifests list, in an archive class that needs a restore. Small: keys only. */
export interface ArchivedPart {
  key: string;
  versionId?: string;
  storageClass: string;
}

export interface RestoreCheck {
  ready: number;
  pending: number;
  /** A few pending keys, for the Web UI. */
  pendingKeys: string[];
  /** Earliest expiry of the restored copies (ISO-8601), when S3 states one. */
  expiresAt?: string;
}

export function createRestoreActivities(deps: { config: Config; s3: S3Client }) {
  const lake = lakeOf(deps.config, deps.s3);
  const { bucket } = lake;
  return {
    /** Every event part of the range from its manifests, keeping those that must be restored before reading. */
    async listArchivedParts(input: {
      org: string;
      from: string;
      to: string;
    }): Promise<{ parts: number; archived: ArchivedPart[] }> {
      const chain = new ManifestChain(lake, input.org);
      let parts = 0;
      const archived: ArchivedPart[] = [];
      for (const day of daysBetween(input.from, input.to)) {
        for (const m of await chain.dayManifests(day)) {
          for (const o of m.objects) {
            parts++;
            const head = await headVersion(deps.s3, bucket, o.key, o.versionId);
            if (needsRestore(head.storageClass) && restoreState(head.storageClass, head.restore) !== 'restored') {
              archived.push({ key: o.key, versionId: o.versionId, storageClass: head.storageClass });
            }
          }
        }
        Context.current().heartbeat({ day });
      }
      return { parts, archived };
    },

    /** RestoreObject for each part; one already restoring or restored is fine (repeatable). */
    async requestRestores(input: {
      parts: ArchivedPart[];
      days?: number;
      tier?: Config['restore']['tier'];
    }): Promise<{ requested: number; inProgress: number; alreadyRestored: number }> {
      const out = { requested: 0, inProgress: 0, alreadyRestored: 0 };
      for (const [i, p] of input.parts.entries()) {
        try {
          const res = await deps.s3.send(
            new RestoreObjectCommand({
              Bucket: bucket,
              Key: p.key,
              VersionId: p.versionId === 'null' ? undefined : p.versionId,
              RestoreRequest: {
                Days: input.days ?? deps.config.restore.days,
                GlacierJobParameters: { Tier: input.tier ?? deps.config.restore.tier },
              },
            }),
          );
          // 202: restore started; 200: a restored copy already exists (its expiry is extended).
          if (res.$metadata.httpStatusCode === 200) out.alreadyRestored++;
          else out.requested++;
        } catch (err) {
          if (err instanceof S3ServiceException && err.name === 'RestoreAlreadyInProgress') out.inProgress++;
          else throw err;
        }
        Context.current().heartbeat({ done: i + 1 });
      }
      return out;
    },

    /** HeadObject each part: restored when x-amz-restore says ongoing-request="false". */
    async checkRestores(input: { parts: ArchivedPart[] }): Promise<RestoreCheck> {
      const pending: string[] = [];
      let expiresAt: string | undefined;
      for (const p of input.parts) {
        const head = await headVersion(deps.s3, bucket, p.key, p.versionId);
        if (restoreState(head.storageClass, head.restore) === 'restored' || !needsRestore(head.storageClass)) {
          const expiry = restoreExpiry(head.restore);
          if (expiry && (!expiresAt || expiry < expiresAt)) expiresAt = expiry;
        } else {
          pending.push(p.key);
        }
      }
      return {
        ready: input.parts.length - pending.length,
        pending: pending.length,
        pendingKeys: pending.slice(0, 5),
        expiresAt,
      };
    },
  };
}
