import { Agent, Dispatcher } from 'undici';
import { Config } from '../config/config';
import { ConfigError, InvalidDataError } from '../errors';
import { AuditLogMessage } from '../model/audit-log-message';
import { apiError, headerValue, HttpResponse, jsonBody, send } from './http';
import { genesysEndpoints } from './regions';
import { RequestBudget } from './request-budget';
import { noteRequest } from './request-count';
import { TokenProvider } from './token-provider';

export type QueryState = 'Queued' | 'Running' | 'Succeeded' | 'Failed' | 'Cancelled' | string;

export interface AuditQueryRequest {
  interval: string;
  serviceName?: string;
  filters?: Array<{ property: string; value: string }>;
  sort?: Array<{ name: 'Timestamp'; sortOrder: 'ascending' | 'descending' }>;
}

export interface QueryStatus {
  id: string;
  state: QueryState;
  startDate?: string;
  interval?: string;
  serviceName?: string;
}

export interface ResultsPage {
  id?: string;
  pageSize?: number;
  cursor?: string;
  entities: AuditLogMessage[];
}

/** Counters of what this client sent, for progress and benchmarks. */
export interface ClientStats {
  requests: number;
  rateLimited: number;
  tokenRefreshes: number;
  budgetWaitMs: number;
}

export const MAX_PAGE_SIZE = 500;

/**
 * The Genesys Cloud audit query API over undici: bearer tokens from the shared provider (a 401
 * refreshes once and retries), a proactive request budget, typed errors. Retries beyond the one
 * 401 refresh are the caller's (Temporal's), which honour the server's Retry-After.
 */
export class AuditClient {
  private requests = 0;
  private rateLimited = 0;

  /** Public so the configuration client (config-client.ts) shares the token, budget and pool: the limit is per token. */
  constructor(
    readonly apiBase: string,
    readonly tokens: TokenProvider,
    readonly budget: RequestBudget,
    readonly dispatcher: Dispatcher,
  ) {}

  stats(): ClientStats {
    return {
      requests: this.requests,
      rateLimited: this.rateLimited,
      tokenRefreshes: this.tokens.refreshes,
      budgetWaitMs: this.budget.waitedMs,
    };
  }

  /** POST /api/v2/audits/query: the answer's `id` is the transaction id of the next calls. */
  async submitQuery(query: AuditQueryRequest): Promise<QueryStatus> {
    const res = await this.call('POST', '/api/v2/audits/query', JSON.stringify(query));
    return jsonBody('submit audit query', res, isStatus);
  }

  async queryStatus(transactionId: string): Promise<QueryStatus> {
    const res = await this.call('GET', `/api/v2/audits/query/${encodeURIComponent(transactionId)}`);
    return jsonBody('audit query status', res, isStatus);
  }

  /**
   * One page of results. The cursor goes back exactly as received; the last page has none.
   * A page too large for a direct answer comes as a 302 with a downloadUrl, which is followed.
   */
  async resultsPage(
    transactionId: string,
    opts: { cursor?: string; pageSize?: number; expandUser?: boolean } = {},
  ): Promise<ResultsPage> {
    const pageSize = opts.pageSize ?? MAX_PAGE_SIZE;
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE)
      throw new ConfigError(`pageSize must be 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
    const params = new URLSearchParams({ pageSize: String(pageSize), allowRedirect: 'true' });
    if (opts.cursor) params.set('cursor', opts.cursor);
    if (opts.expandUser) params.set('expand', 'user');
    const res = await this.call(
      'GET',
      `/api/v2/audits/query/${encodeURIComponent(transactionId)}/results?${params}`,
      undefined,
      [302],
    );
    if (res.status === 302) {
      const large = jsonBody(
        'audit results redirect',
        res,
        (v): v is { downloadUrl?: string; cursor?: string } => typeof v === 'object' && v !== null,
      );
      const url = large.downloadUrl ?? headerValue(res.headers, 'location');
      if (!url) throw new InvalidDataError('audit results: a 302 answer without downloadUrl');
      // The download URL is pre-signed: no bearer token goes to it.
      await this.budget.take();
      this.requests++;
      noteRequest();
      const download = await send(this.dispatcher, url, { method: 'GET' });
      if (download.status !== 200) throw apiError('audit results download', download);
      const page = jsonBody('audit results download', download, isResultsPage);
      return { ...page, cursor: page.cursor ?? large.cursor };
    }
    return jsonBody('audit results page', res, isResultsPage);
  }

  /** Every audit made by the same action as `auditId`, the audit itself included. */
  async related(auditId: string): Promise<AuditLogMessage[]> {
    const res = await this.call('POST', '/api/v2/audits/query/realtime/related', JSON.stringify({ auditId }));
    return jsonBody(
      'related audits',
      res,
      (v): v is { entities: AuditLogMessage[] } => isObject(v) && Array.isArray(v.entities),
    ).entities;
  }

  async serviceMapping(): Promise<{
    services: Array<{ name: string; entities?: Array<{ name: string; actions?: string[] }> }>;
  }> {
    const res = await this.call('GET', '/api/v2/audits/query/servicemapping');
    return jsonBody(
      'audit service mapping',
      res,
      (v): v is { services: [] } => isObject(v) && Array.isArray(v.services),
    );
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body?: string,
    okStatuses: number[] = [],
  ): Promise<HttpResponse> {
    const what = `${method} ${path.split('?')[0]}`;
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.token();
      await this.budget.take();
      this.requests++;
      noteRequest();
      const res = await send(this.dispatcher, `${this.apiBase}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body,
      });
      if ((res.status >= 200 && res.status < 300) || okStatuses.includes(res.status)) return res;
      if (res.status === 401 && attempt === 0) {
        // Expired or revoked: one fresh token, one more try.
        this.tokens.invalidate(token);
        continue;
      }
      if (res.status === 429) this.rateLimited++;
      throw apiError(what, res);
    }
  }
}

/** One token provider, budget and connection pool per process, as the rate limit is per token. */
export function createAuditClient(config: Config, opts: { requestsPerMinute: number }): AuditClient {
  const { apiBase, loginBase } = genesysEndpoints(config.genesys);
  if (!config.genesys.clientId || !config.genesys.clientSecret) {
    throw new ConfigError('GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET: required to reach a Genesys Cloud org');
  }
  const dispatcher = new Agent({
    connections: 16,
    headersTimeout: 60_000,
    bodyTimeout: 120_000,
    keepAliveTimeout: 30_000,
  });
  const tokens = new TokenProvider({
    loginBase,
    clientId: config.genesys.clientId,
    clientSecret: config.genesys.clientSecret,
    dispatcher,
  });
  return new AuditClient(apiBase, tokens, new RequestBudget(opts.requestsPerMinute), dispatcher);
}

export function isTerminalState(state: QueryState): boolean {
  return state === 'Succeeded' || state === 'Failed' || state === 'Cancelled';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStatus = (v: unknown): v is QueryStatus =>
  isObject(v) && typeof v.id === 'string' && typeof v.state === 'string';
const isResultsPage = (v: unknown): v is ResultsPage =>
  isObject(v) &&
  Array.isArray(v.entities) &&
  (v.cursor === undefined || v.cursor === null || typeof v.cursor === 'string');
