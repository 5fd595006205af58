import { Context } from '@temporalio/activity';
import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { RateLimitedError } from '../errors';
import { AuditClient, AuditQueryRequest, MAX_PAGE_SIZE } from '../genesys/audit-client';
import { countRequests } from '../genesys/request-count';
import { reconcileDay } from '../ingest/reconcile';
import { sealDay, SealResult } from '../lake/day-sealer';
import { pageChunkName, quarantineKey, stagingChunkKey, stagingPrefix } from '../lake/keys';
import { ManifestQuery } from '../lake/manifest';
import { ManifestSigner } from '../lake/signing';
import { writeStagingChunk } from '../lake/staging';
import { lakeOf } from '../s3/lake';
import { putLockedObject } from '../s3/locked-object';
import { TransformContext, transformBatch } from '../transform/pipeline';
import { quarantinedRecord } from '../transform/quarantine';

export interface CollectDeps {
  config: Config;
  s3: S3Client;
  genesys: AuditClient;
  transform: TransformContext;
  signer: ManifestSigner;
}

export interface FetchPageInput {
  org: string;
  day: string;
  /** Staging folder of this collection (the first run id of the collect-day workflow). */
  runId: string;
  window: number;
  page: number;
  transactionId: string;
  cursor: string | null;
}

export interface FetchPageResult {
  cursor: string | null;
  entities: number;
  events: number;
  rows: number;
  invalid: number;
  requests: number;
  rateLimited: number;
}

export interface SealInput {
  org: string;
  day: string;
  runId: string;
  sealedAt: string;
  query: ManifestQuery;
}

/**
 * Short 429s are waited out inside the attempt (for the server's Retry-After), and counted; a
 * longer delay goes to Temporal's retry with that delay, so the 30-second attempt never overruns.
 */
const IN_ACTIVITY_RATE_LIMIT_RETRIES = 3;
const MAX_IN_ACTIVITY_WAIT_MS = 5_000;

export function createCollectActivities(deps: CollectDeps) {
  const { config, genesys, transform } = deps;
  const lake = lakeOf(config, deps.s3);

  /** Runs one API call, waiting out short 429s for the server's delay; counts its requests and 429s. */
  async function withRateLimit<T>(
    call: () => Promise<T>,
  ): Promise<{ value: T; rateLimited: number; requests: number }> {
    let rateLimited = 0;
    const { value, requests } = await countRequests(async () => {
      for (;;) {
        try {
          return await call();
        } catch (err) {
          if (
            !(err instanceof RateLimitedError) ||
            rateLimited >= IN_ACTIVITY_RATE_LIMIT_RETRIES ||
            err.retryAfterMs > MAX_IN_ACTIVITY_WAIT_MS
          )
            throw err;
          rateLimited++;
          Context.current().heartbeat({ rateLimited });
          await Context.current().sleep(err.retryAfterMs);
        }
      }
    });
    return { value, rateLimited, requests };
  }

  return {
    async submitAuditQuery(input: {
      interval: string;
      serviceName?: string;
    }): Promise<{ transactionId: string; state: string; requests: number; rateLimited: number }> {
      const query: AuditQueryRequest = {
        interval: input.interval,
        sort: [{ name: 'Timestamp', sortOrder: 'ascending' }],
      };
      if (input.serviceName) query.serviceName = input.serviceName;
      const { value, rateLimited, requests } = await withRateLimit(() => genesys.submitQuery(query));
      return { transactionId: value.id, state: value.state, requests, rateLimited };
    },

    async auditQueryState(input: {
      transactionId: string;
    }): Promise<{ state: string; requests: number; rateLimited: number }> {
      const { value, rateLimited, requests } = await withRateLimit(() => genesys.queryStatus(input.transactionId));
      return { state: value.state, requests, rateLimited };
    },

    /**
     * One results page: transformed (normalized, minimized, masked) and staged in S3
     * before the workflow records the next cursor, so a crash resumes at the next page with
     * every earlier page kept. Records that cannot be transformed are quarantined, masked.
     */
    async fetchAuditPage(input: FetchPageInput): Promise<FetchPageResult> {
      const {
        value: page,
        rateLimited,
        requests,
      } = await withRateLimit(() =>
        genesys.resultsPage(input.transactionId, { cursor: input.cursor ?? undefined, pageSize: MAX_PAGE_SIZE }),
      );
      const batch = transformBatch(page.entities, 'api', transform);
      const chunk = pageChunkName(input.window, input.page);
      if (batch.lines.length > 0) {
        await writeStagingChunk(lake, {
          key: stagingChunkKey(input.org, input.day, input.runId, chunk),
          lines: batch.lines,
        });
      }
      if (batch.invalid.length > 0) {
        // The same record as the stream path keeps (transform/quarantine.ts), with its place in the page.
        const records = batch.invalid.map((bad) => ({
          index: bad.index,
          ...quarantinedRecord(
            transform,
            { type: bad.defect, reason: bad.reason, eventId: bad.eventId },
            page.entities[bad.index],
          ),
        }));
        await putLockedObject(lake, {
          key: quarantineKey(input.org, 'api', `${input.day}/${input.runId}/${chunk}`),
          body: Buffer.from(JSON.stringify({ transactionId: input.transactionId, day: input.day, records })),
          contentType: 'application/json',
        });
      }
      return {
        cursor: page.cursor ?? null,
        entities: page.entities.length,
        events: batch.events.length,
        rows: batch.rows,
        invalid: batch.invalid.length,
        requests,
        rateLimited,
      };
    },

    /** Seals the day; the chain position reached is heartbeated so a retry never appends twice. */
    async sealCollectedDay(input: SealInput): Promise<SealResult> {
      const ctx = Context.current();
      const alreadyAt = (ctx.info.heartbeatDetails as { appendedAt?: number } | undefined)?.appendedAt;
      let appendedAt = alreadyAt;
      const beat = setInterval(() => ctx.heartbeat({ appendedAt }), 5_000);
      try {
        return await sealDay(
          { lake, duckdb: config.duckdb, signer: deps.signer },
          {
            org: input.org,
            day: input.day,
            stagingPrefix: stagingPrefix(input.org, input.day, input.runId),
            query: input.query,
            sealedAt: input.sealedAt,
            hmacKeyId: transform.masker.keyId,
            extraAllowlist: config.mask.extraAllowlist,
            alreadyAt,
            // The stream against the API for the day, when a stream is ingested (null otherwise).
            reconcile: (apiIds) => reconcileDay(lake, input.org, input.day, apiIds),
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
