import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AuthorizationDirectory, authorizationRoute } from './authorization';
import { ConfigApi, configRoute } from './config-api';
import { ApiError, MALFORMED, badRequest, newContextId, notFound, serverError, tooManyRequests } from './errors-body';
import { FaultDice, Faults } from './faults';
import { OAuthServer } from './oauth';
import { AuditQueryService } from './audit-query-service';
import { RateLimiter } from './rate-limit';
import { SimStats } from './stats';

const MAX_BODY_BYTES = 1024 * 1024;
const AUDITS = '/api/v2/audits/query';

export interface RouteDeps {
  oauth: OAuthServer;
  limiter: RateLimiter;
  engine: AuditQueryService;
  dice: FaultDice;
  faults: () => Faults;
  stats: SimStats;
  serviceMappingJson: string;
  baseUrl: () => string;
  /** Token info, subject grants, OAuth client and roles (authorization.ts). */
  authorization: AuthorizationDirectory;
  /** Users, roles, grants, divisions, OAuth clients and the org (config-api.ts). */
  config: ConfigApi;
  /** /_sim/* control and truth routes (no auth). */
  control: (
    method: string,
    path: string,
    params: URLSearchParams,
    body: unknown,
  ) => Promise<{ status: number; body: unknown; raw?: string }>;
}

type Answer = { status: number; json: string; headers?: Record<string, string>; events?: number; route: string };

/**
 * The HTTP front: Genesys' login endpoint, the audit and configuration endpoints behind a
 * bearer token and the per-token budget, and the simulator's own /_sim hooks. Every answer carries an
 * ININ-Correlation-ID, errors use ErrorBody (OAuth errors their own shape), and the fault knobs
 * (429s, 5xx, connection resets) act here, after authentication.
 */
export function createSimServer(deps: RouteDeps): Server {
  const server = createServer((req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      // A bug in the simulator: answer 500 rather than hang the client.
      process.stderr.write(`gcaudit sim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      if (!res.headersSent)
        send(deps, res, { status: 500, json: JSON.stringify(serverError(500).body(newContextId())), route: 'error' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new ApiError(
        413,
        'request.entity.too.large',
        `The request is over the size limit. Maximum bytes: ${MAX_BODY_BYTES}`,
      );
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text.trim() === '') throw badRequest(MALFORMED);
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(MALFORMED);
  }
}

function send(deps: RouteDeps, res: ServerResponse, a: Answer, resetMidBody = false): void {
  const body = Buffer.from(a.json);
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': body.length,
    'ININ-Correlation-ID': newContextId(),
    ...a.headers,
  };
  const s = deps.stats;
  s.requests++;
  s.byStatus[a.status] = (s.byStatus[a.status] ?? 0) + 1;
  s.byRoute[a.route] = (s.byRoute[a.route] ?? 0) + 1;
  res.writeHead(a.status, headers);
  if (resetMidBody && body.length > 1) {
    s.resets++;
    // Fault: half the promised bytes, then the connection dies.
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
    return;
  }
  s.bytesServed += body.length;
  if (a.events) s.eventsServed += a.events;
  res.end(body);
}

function errorAnswer(err: ApiError, route: string): Answer {
  return { status: err.status, json: JSON.stringify(err.body(newContextId())), headers: err.headers, route };
}

async function handle(deps: RouteDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';

  if (path === '/oauth/token') {
    const text = await readBody(req);
    if (method !== 'POST') return send(deps, res, errorAnswer(notFound(), 'oauth'));
    const result = deps.oauth.token(req.headers.authorization, new URLSearchParams(text));
    if (result.ok) deps.stats.tokensIssued++;
    return send(deps, res, { status: result.status, json: JSON.stringify(result.body), route: 'oauth' });
  }

  if (path.startsWith('/_sim/')) {
    const text = method === 'POST' ? await readBody(req) : '';
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      return send(deps, res, errorAnswer(badRequest(MALFORMED), 'sim'));
    }
    try {
      const out = await deps.control(method, path, url.searchParams, body);
      return send(deps, res, { status: out.status, json: out.raw ?? JSON.stringify(out.body), route: 'sim' });
    } catch (err) {
      if (err instanceof ApiError) return send(deps, res, errorAnswer(err, 'sim'));
      if (err instanceof RangeError) return send(deps, res, errorAnswer(badRequest(err.message), 'sim'));
      throw err;
    }
  }

  let answer: Answer;
  let route = 'unknown';
  try {
    route = routeName(method, path);
    if (route === 'unknown') {
      await readBody(req);
      throw notFound();
    }
    const token = deps.oauth.authenticate(req.headers.authorization);
    try {
      deps.limiter.take(token.token);
    } catch (err) {
      deps.stats.rateLimited++;
      throw err;
    }
    const f = deps.faults();
    if (deps.dice.roll(f.rate429Share)) {
      deps.stats.fault429++;
      throw tooManyRequests(Math.max(1, Math.round(f.retryAfterSeconds)));
    }
    if (deps.dice.roll(f.serverErrorShare)) {
      deps.stats.fault5xx++;
      throw serverError(deps.dice.pick([500, 502, 503, 504] as const));
    }
    const text = method === 'POST' ? await readBody(req) : '';
    const authz = authorizationRoute(method, path);
    const config = configRoute(method, path);
    answer = {
      ...(authz
        ? deps.authorization.answer(authz, path, token)
        : config
          ? deps.config.answer(config, path, url.searchParams)
          : api(deps, route, method, path, url.searchParams, text)),
      route,
    };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    answer = errorAnswer(err, route);
  }
  const reset = answer.status < 400 && deps.dice.roll(deps.faults().resetMidBodyShare);
  send(deps, res, answer, reset);
}

function routeName(method: string, path: string): string {
  if (method === 'POST' && path === AUDITS) return 'query';
  if (method === 'POST' && path === `${AUDITS}/realtime`) return 'realtime';
  if (method === 'POST' && path === `${AUDITS}/realtime/related`) return 'related';
  if (method === 'GET' && (path === `${AUDITS}/servicemapping` || path === `${AUDITS}/realtime/servicemapping`))
    return 'servicemapping';
  if (method === 'GET' && /^\/api\/v2\/audits\/query\/[^/]+\/results$/.test(path)) return 'results';
  if (method === 'GET' && /^\/api\/v2\/audits\/query\/[^/]+$/.test(path)) return 'status';
  return authorizationRoute(method, path) ?? configRoute(method, path) ?? 'unknown';
}

function api(
  deps: RouteDeps,
  route: string,
  _method: string,
  path: string,
  params: URLSearchParams,
  text: string,
): Omit<Answer, 'route'> {
  const expand = [...params.getAll('expand'), ...params.getAll('expand[]')]
    .flatMap((v) => v.split(','))
    .includes('user');
  const id = () => decodeURIComponent(path.split('/')[5]);
  switch (route) {
    case 'query': {
      const out = deps.engine.submit(parseJson(text));
      deps.stats.queriesSubmitted++;
      return { status: out.status, json: JSON.stringify(out.body) };
    }
    case 'status': {
      const out = deps.engine.status(id());
      return { status: out.status, json: JSON.stringify(out.body) };
    }
    case 'results': {
      const out = deps.engine.results(id(), params, deps.baseUrl());
      if (out.status === 302) {
        deps.stats.redirects++;
        return { status: 302, json: out.json };
      }
      deps.stats.resultsPages++;
      return { status: 200, json: out.json, events: out.events };
    }
    case 'realtime': {
      const out = deps.engine.realtime(parseJson(text), expand);
      return { status: 200, json: out.json, events: out.events };
    }
    case 'related': {
      const out = deps.engine.related(parseJson(text), expand);
      return { status: 200, json: out.json, events: out.events };
    }
    case 'servicemapping':
      return { status: 200, json: deps.serviceMappingJson };
  }
  throw notFound();
}
