/** What the simulator tests share: a raw HTTP client for the sandbox and a full query walk. */
import { Simulator } from '../../src/sim';

export const NOW = '2026-03-20T12:00:00.000Z';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function call(
  sim: Simulator,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export async function login(sim: Simulator, secret = sim.clientSecret): Promise<Reply> {
  const res = await fetch(sim.tokenUrl, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${sim.clientId}:${secret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text), text };
}

export async function token(sim: Simulator): Promise<string> {
  const r = await login(sim);
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
  return r.body.access_token as string;
}

/** Submits a query and polls it to its final state; returns its id and the states seen. */
export async function runQuery(
  sim: Simulator,
  tok: string,
  request: unknown,
): Promise<{ id: string; states: string[]; final: Reply }> {
  const submitted = await call(sim, tok, 'POST', '/api/v2/audits/query', request);
  if (submitted.status !== 202) throw new Error(`submit: ${submitted.status} ${submitted.text}`);
  const states = [submitted.body.state as string];
  for (let i = 0; i < 100; i++) {
    const s = await call(sim, tok, 'GET', `/api/v2/audits/query/${submitted.body.id}`);
    states.push(s.body.state);
    if (s.body.state === 'Succeeded' || s.body.state === 'Failed') return { id: submitted.body.id, states, final: s };
  }
  throw new Error('query never finished');
}

/** Pages through every result with the cursor; returns the ids in order and the pages seen. */
export async function allResults(
  sim: Simulator,
  tok: string,
  id: string,
  query = '',
): Promise<{ ids: string[]; pages: Reply[] }> {
  const ids: string[] = [];
  const pages: Reply[] = [];
  let cursor: string | undefined;
  do {
    const qs = [query, cursor ? `cursor=${encodeURIComponent(cursor)}` : ''].filter(Boolean).join('&');
    const page = await call(sim, tok, 'GET', `/api/v2/audits/query/${id}/results${qs ? `?${qs}` : ''}`);
    if (page.status !== 200) throw new Error(`results: ${page.status} ${page.text}`);
    pages.push(page);
    for (const e of page.body.entities) ids.push(e.id);
    cursor = page.body.cursor;
  } while (cursor);
  return { ids, pages };
}

export function dayInterval(day: string): string {
  return `${day}T00:00:00.000Z/${new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString()}`;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
