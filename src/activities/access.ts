import { Context } from '@temporalio/activity';
import { S3Client } from '@aws-sdk/client-s3';
import { collectSnapshot } from '../access/collect-snapshot';
import {
  existingSnapshot,
  SnapshotResult,
  stageSnapshot,
  StagedSnapshot,
  writeSnapshot,
} from '../access/snapshot-writer';
import { Config } from '../config/config';
import { DayNotSealedError } from '../errors';
import { AuditClient } from '../genesys/audit-client';
import { ConfigClient } from '../genesys/config-client';
import { RequestBudget } from '../genesys/request-budget';
import { ManifestChain } from '../lake/manifest-chain';
import { ManifestSigner } from '../lake/signing';
import { lakeOf } from '../s3/lake';
import { TransformContext } from '../transform/pipeline';

export interface AccessDeps {
  config: Config;
  s3: S3Client;
  genesys: AuditClient;
  transform: TransformContext;
  signer: ManifestSigner;
}

export interface StageAccessInput {
  org: string;
  day: string;
  /** Staging folder of this snapshot (the workflow's first run id). */
  runId: string;
  /** daily: started by the daily collection, honours ACCESS_SNAPSHOT_DAILY. */
  trigger: 'daily' | 'manual';
}

/** Small on purpose (workflow history): counts, no rows. */
export type StageAccessResult =
  | { status: 'staged'; staged: StagedSnapshot }
  | { status: 'skipped'; reason: string; existing?: SnapshotResult['manifestKey'] };

export interface WriteAccessInput {
  org: string;
  day: string;
  runId: string;
  sealedAt: string;
}

/** Workflow history gets keys, counts and hashes only. */
export type WriteAccessResult = SnapshotResult;

export function createAccessActivities(deps: AccessDeps) {
  const { config, transform } = deps;
  const lake = lakeOf(config, deps.s3);
  const chainOf = (org: string) => new ManifestChain(lake, org);

  return {
    /**
     * Reads the org's access configuration from Genesys (on the API queue, within its budget),
     * masks it page by page and stages it. A day that already has its snapshot, or is not sealed
     * yet, costs no request.
     */
    async stageAccessSnapshot(input: StageAccessInput): Promise<StageAccessResult> {
      if (input.trigger === 'daily' && !config.access.snapshotDaily)
        return { status: 'skipped', reason: 'ACCESS_SNAPSHOT_DAILY=false' };
      const chain = chainOf(input.org);
      const done = await existingSnapshot(chain, input.day);
      if (done) return { status: 'skipped', reason: `${input.day} already has its access snapshot (v${done.version})` };
      if ((await chain.dayPointers(input.day)).length === 0)
        throw new DayNotSealedError(
          `${input.day} is not sealed: collect the day first (its access snapshot is listed in the day's manifest)`,
        );
      const ctx = Context.current();
      const capturedAt = new Date().toISOString();
      // Paced at the daily queue's budget (GENESYS_REQUESTS_PER_MINUTE), which the snapshot shares with the collection.
      const client = new ConfigClient(deps.genesys, new RequestBudget(config.genesys.requestsPerMinute));
      const collected = await collectSnapshot(client, transform, (what) => ctx.heartbeat({ progress: what }));
      const staged = await stageSnapshot(lake, {
        org: input.org,
        day: input.day,
        runId: input.runId,
        capturedAt,
        collected,
      });
      return { status: 'staged', staged };
    },

    /** Writes the staged snapshot as locked Parquet and a signed manifest version; the chain position is heartbeated so a retry never appends twice. */
    async writeAccessSnapshot(input: WriteAccessInput): Promise<WriteAccessResult> {
      const ctx = Context.current();
      const alreadyAt = (ctx.info.heartbeatDetails as { appendedAt?: number } | undefined)?.appendedAt;
      let appendedAt = alreadyAt;
      const beat = setInterval(() => ctx.heartbeat({ appendedAt }), 5_000);
      try {
        return await writeSnapshot(
          { lake, duckdb: config.duckdb, signer: deps.signer },
          {
            ...input,
            hmacKeyId: transform.masker.keyId,
            extraAllowlist: config.mask.extraAllowlist,
            alreadyAt,
            onAppended: (sequence) => {
              appendedAt = sequence;
              ctx.heartbeat({ appendedAt });
            },
          },
        );
      } finally {
        clearInterval(beat);
      }
    },
  };
}
