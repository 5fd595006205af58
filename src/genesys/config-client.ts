import { InvalidDataError, NotReadableError } from '../errors';
import {
  EntityListing,
  WireDivision,
  WireOAuthClient,
  WireOrganization,
  WireRole,
  WireSubjectGrants,
  WireUser,
} from '../model/access-wire';
import type { AuditClient } from './audit-client';
import { apiError, HttpResponse, jsonBody, parseJson, send } from './http';
import { RequestBudget } from './request-budget';
import { noteRequest } from './request-count';

/** What each configuration endpoint needs (Genesys' documented permission), named in "not readable". */
export const ENDPOINT_PERMISSIONS = {
  users: 'directory:user:view',
  roles: 'authorization:role:view',
  subjectGrants: 'authorization:grant:view',
  divisions: 'authorization:division:view',
  oauthClients: 'oauth:client:view',
} as const;

/** Largest page the directory and authorization listings accept. */
export const USERS_PAGE_SIZE = 500;
export const LISTING_PAGE_SIZE = 100;

/**
 * Genesys' configuration APIs the access snapshot reads (users, roles, their subject grants,
 * divisions, OAuth clients, the org), over the audit client's token, request budget and
 * connection pool: the org's rate limit is per token. A 403 `missing.permissions` becomes a
 * NotReadableError naming the permission, so the snapshot records "not readable", never an empty
 * table. Retries are Temporal's, as for the audit client.
 */
export class ConfigClient {
  requests = 0;

  /**
   * `pace`: this client's own budget on top of the process's shared one (the org's limit), so a
   * snapshot, one long activity, stays inside the daily queue's requests per minute as a
   * collection's many short activities do.
   */
  constructor(
    private readonly audit: AuditClient,
    private readonly pace?: RequestBudget,
  ) {}

  /** GET /api/v2/users, one page; state `any` includes deleted users (whose grants may linger). */
  users(
    pageNumber: number,
    state: 'active' | 'inactive' | 'deleted' | 'any' = 'any',
  ): Promise<EntityListing<WireUser>> {
    const params = new URLSearchParams({
      pageSize: String(USERS_PAGE_SIZE),
      pageNumber: String(pageNumber),
      state,
      expand: 'authorization,dateLastLogin,lasttokenissued',
    });
    return this.listing('/api/v2/users', params, ENDPOINT_PERMISSIONS.users);
  }

  roles(pageNumber: number): Promise<EntityListing<WireRole>> {
    const params = new URLSearchParams({ pageSize: String(LISTING_PAGE_SIZE), pageNumber: String(pageNumber) });
    return this.listing('/api/v2/authorization/roles', params, ENDPOINT_PERMISSIONS.roles);
  }

  subjectGrants(roleId: string, pageNumber: number): Promise<EntityListing<WireSubjectGrants>> {
    const params = new URLSearchParams({ pageSize: String(LISTING_PAGE_SIZE), pageNumber: String(pageNumber) });
    return this.listing(
      `/api/v2/authorization/roles/${encodeURIComponent(roleId)}/subjectgrants`,
      params,
      ENDPOINT_PERMISSIONS.subjectGrants,
    );
  }

  divisions(pageNumber: number): Promise<EntityListing<WireDivision>> {
    const params = new URLSearchParams({ pageSize: String(LISTING_PAGE_SIZE), pageNumber: String(pageNumber) });
    return this.listing('/api/v2/authorization/divisions', params, ENDPOINT_PERMISSIONS.divisions);
  }

  /** GET /api/v2/oauth/clients takes no paging parameters (the SDK's getOauthClients): every client in one listing. */
  oauthClients(): Promise<EntityListing<WireOAuthClient>> {
    return this.listing('/api/v2/oauth/clients', null, ENDPOINT_PERMISSIONS.oauthClients);
  }

  async organization(): Promise<WireOrganization> {
    const res = await this.get('/api/v2/organizations/me', 'any valid token');
    return jsonBody('organization', res, (v): v is WireOrganization => isObject(v) && typeof v.id === 'string');
  }

  private async listing<T>(
    path: string,
    params: URLSearchParams | null,
    permission: string,
  ): Promise<EntityListing<T>> {
    const res = await this.get(params ? `${path}?${params}` : path, permission);
    return jsonBody(
      `GET ${path}`,
      res,
      (v): v is EntityListing<T> => isObject(v) && (v.entities === undefined || Array.isArray(v.entities)),
    );
  }

  private async get(path: string, permission: string): Promise<HttpResponse> {
    const what = `GET ${path.split('?')[0]}`;
    const { apiBase, tokens, budget, dispatcher } = this.audit;
    for (let attempt = 0; ; attempt++) {
      const token = await tokens.token();
      await this.pace?.take();
      await budget.take();
      this.requests++;
      noteRequest();
      const res = await send(dispatcher, `${apiBase}${path}`, {
        method: 'GET',
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status === 401 && attempt === 0) {
        tokens.invalidate(token);
        continue;
      }
      if (res.status === 403) throw notReadable(what, res, permission);
      throw apiError(what, res);
    }
  }
}

/** A 403 names the permission Genesys says is missing (messageParams or message), else the endpoint's documented one. */
function notReadable(what: string, res: HttpResponse, documented: string): NotReadableError {
  const body = parseJson<{ code?: string; message?: string; messageParams?: Record<string, unknown> }>(res.text) ?? {};
  const text = [JSON.stringify(body.messageParams ?? {}), body.message ?? ''].join(' ');
  const named = /\b[a-zA-Z]+:[a-zA-Z*]+:[a-zA-Z*]+\b/.exec(text)?.[0];
  const permission = named ?? documented;
  return new NotReadableError(
    `${what}: the OAuth client lacks ${permission}${body.code ? ` (${body.code})` : ''}: not readable`,
    permission,
  );
}

/** Every page of a listing, until the last (pageCount, else a short or empty page). */
export async function* allPages<T>(
  fetch: (pageNumber: number) => Promise<EntityListing<T>>,
  maxPages = 10_000,
): AsyncGenerator<T[]> {
  for (let page = 1; page <= maxPages; page++) {
    const listing = await fetch(page);
    const entities = listing.entities ?? [];
    if (entities.length) yield entities;
    const last =
      listing.pageCount !== undefined
        ? page >= listing.pageCount
        : !listing.nextUri && (entities.length === 0 || entities.length < (listing.pageSize ?? Infinity));
    if (last || entities.length === 0) return;
  }
  throw new InvalidDataError(`a listing did not end after ${maxPages} pages`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
