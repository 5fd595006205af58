import { Context } from '@temporalio/activity';
import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { AuditClient } from '../genesys/audit-client';
import { RehydrationRequest } from '../ingest/envelope';
import { fetchFullRecord } from '../ingest/fetch-full-record';
import { storeRehydrated, storeUnresolved } from '../ingest/rehydrate-event';
import { lakeOf } from '../s3/lake';
import { TransformContext } from '../transform/pipeline';

export interface RehydrateActivityDeps {
  config: Config;
  s3: S3Client;
  genesys: AuditClient;
  transform: TransformContext;
}

export type RehydrateAttempt =
  | { status: 'rehydrated'; via: 'related' | 'query'; liveKey: string; rows: number; requests: number }
  | { status: 'not-found'; via: 'related' | 'query'; requests: number }
  | { status: 'invalid'; via: 'related' | 'query'; reason: string; requests: number };

export function createRehydrateActivities(deps: RehydrateActivityDeps) {
  const store = { lake: lakeOf(deps.config, deps.s3), duckdb: deps.config.duckdb, transform: deps.transform };
  return {
    /**
     * One attempt to fetch an event's full record from the audit API (on the API task queue: it
     * spends the API budget) and, when found, to write it to the live table. Not found is an
     * answer, not a failure: the workflow waits with a durable timer and asks again.
     */
    async rehydrateEvent(input: { org: string; request: RehydrationRequest }): Promise<RehydrateAttempt> {
      const ctx = Context.current();
      const found = await fetchFullRecord(deps.genesys, input.request, Date.now(), {
        sleep: (ms) => ctx.sleep(ms),
        heartbeat: () => ctx.heartbeat(),
      });
      if (!found.record) return { status: 'not-found', via: found.via, requests: found.requests };
      const stored = await storeRehydrated(store, input.org, input.request, found.record, found.via);
      if ('invalid' in stored)
        return { status: 'invalid', via: found.via, reason: stored.invalid, requests: found.requests };
      return {
        status: 'rehydrated',
        via: found.via,
        liveKey: stored.liveKey,
        rows: stored.rows,
        requests: found.requests,
      };
    },

    /** The event could not be resolved: a finding (audit_findings) and its rehydration record. */
    async recordUnresolvedEvent(input: {
      org: string;
      request: RehydrationRequest;
      attempts: number;
      why: string;
    }): Promise<{ findingKey: string | null }> {
      return storeUnresolved(store, input.org, input.request, input.attempts, input.why);
    },
  };
}
