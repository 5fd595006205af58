import { Context } from '@temporalio/activity';
import { paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { alreadyProcessed, IngestCheckpoint, listingStart } from '../ingest/checkpoint';
import { RehydrationRequest } from '../ingest/envelope';
import { ingestOutcomeKey, rawKeyDay, rawObjectHash, streamQuarantineKey } from '../ingest/ingest-keys';
import { emptyOutcome, IngestOutcome, ingestRawObject } from '../ingest/ingest-object';
import { putLockedJson, readJson } from '../ingest/locked-json';
import { lakeOf } from '../s3/lake';
import { TransformContext } from '../transform/pipeline';

export interface IngestActivityDeps {
  config: Config;
  s3: S3Client;
  transform: TransformContext;
}

export interface RawObjectRef {
  key: string;
  etag: string;
  size: number;
}

/** What the workflow keeps of an outcome: no per-part detail (history stays small). */
export type IngestObjectSummary = Omit<IngestOutcome, 'parts' | 'reasons'> & { days: string[]; reasons: string[] };

/** Requests read back from S3 a page at a time, so no activity result grows with the object. */
export const REQUESTS_PAGE = 50;

export function createIngestActivities(deps: IngestActivityDeps) {
  const lake = lakeOf(deps.config, deps.s3);
  const { s3, bucket } = lake;
  const ingestDeps = { lake, duckdb: deps.config.duckdb, transform: deps.transform };

  return {
    /** New raw objects after the checkpoint, in key order (Firehose: delivery time order). */
    async listRawObjects(input: {
      prefix: string;
      checkpoint: IngestCheckpoint;
      graceMinutes: number;
      limit: number;
    }): Promise<RawObjectRef[]> {
      const out: RawObjectRef[] = [];
      const startAfter = listingStart(input.checkpoint, input.prefix, input.graceMinutes);
      for await (const page of paginateListObjectsV2(
        { client: s3 },
        { Bucket: bucket, Prefix: input.prefix, StartAfter: startAfter },
      )) {
        for (const o of page.Contents ?? []) {
          if (!o.Key || o.Key.endsWith('/') || alreadyProcessed(input.checkpoint, input.prefix, o.Key)) continue;
          out.push({ key: o.Key, etag: (o.ETag ?? '').replace(/"/g, ''), size: o.Size ?? 0 });
          if (out.length >= input.limit) return out;
        }
      }
      return out;
    },

    async ingestRawObject(input: { org: string; rawPrefix: string; key: string }): Promise<IngestObjectSummary> {
      const ctx = Context.current();
      const outcome = await ingestRawObject(ingestDeps, input, () => ctx.heartbeat());
      const { parts, ...rest } = outcome;
      return { ...rest, days: [...new Set(parts.map((p) => p.day))] };
    },

    /** One page of an object's rehydration requests, when there were too many to return inline. */
    async readRehydrationRequests(input: {
      key: string;
      offset: number;
    }): Promise<{ requests: RehydrationRequest[]; next: number | null }> {
      const all = (await readJson<RehydrationRequest[]>(lake, input.key)) ?? [];
      const end = input.offset + REQUESTS_PAGE;
      return { requests: all.slice(input.offset, end), next: end < all.length ? end : null };
    },

    /**
     * An object whose ingest failed past its retries (a bug, or storage refusing it): recorded as
     * quarantined with the failure, so the workflow moves on instead of retrying it forever.
     */
    async quarantineRawObject(input: {
      org: string;
      rawPrefix: string;
      ref: RawObjectRef;
      reason: string;
    }): Promise<void> {
      const hash = rawObjectHash(input.ref.key, input.ref.etag);
      const outcome: IngestOutcome = {
        ...emptyOutcome({
          rawKey: input.ref.key,
          etag: input.ref.etag,
          hash,
          status: 'quarantined',
          bytes: input.ref.size,
        }),
        reasons: [input.reason],
        quarantineKey: streamQuarantineKey(input.org, hash),
      };
      await putLockedJson(lake, outcome.quarantineKey!, {
        rawKey: outcome.rawKey,
        etag: outcome.etag,
        bytes: outcome.bytes,
        status: outcome.status,
        reasons: outcome.reasons,
      });
      await putLockedJson(lake, ingestOutcomeKey(input.org, rawKeyDay(input.rawPrefix, input.ref.key), hash), outcome);
    },
  };
}
