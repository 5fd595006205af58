import { Dispatcher, errors as undiciErrors, request } from 'undici';
import {
  AuthError,
  BadRequestError,
  GcauditError,
  InvalidDataError,
  RateLimitedError,
  TransientError,
} from '../errors';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Sends one request; network failures become TransientError (never with headers in the message). */
export async function send(
  dispatcher: Dispatcher,
  url: string,
  opts: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
): Promise<HttpResponse> {
  try {
    const res = await request(url, {
      dispatcher,
      method: opts.method,
      headers: opts.headers,
      body: opts.body,
      maxRedirections: 0,
    } as never);
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  } catch (err) {
    if (err instanceof GcauditError) throw err;
    const code = (err as { code?: string }).code ?? (err instanceof undiciErrors.UndiciError ? err.name : 'error');
    throw new TransientError(`${opts.method} ${pathOf(url)} failed: ${code}`, { cause: err });
  }
}

/** Retry-After in seconds (Genesys) or an HTTP date, as milliseconds; a default when absent. */
export function retryAfterMs(headers: HttpResponse['headers'], fallbackMs = 5_000): number {
  const raw = headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return fallbackMs;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : fallbackMs;
}

interface ErrorBody {
  message?: string;
  code?: string;
  status?: number;
}

/** Maps a non-2xx answer of the API to a typed error whose message says what to do. */
export function apiError(what: string, res: HttpResponse): GcauditError {
  const body = parseJson<ErrorBody>(res.text) ?? {};
  const detail = [body.code, body.message].filter(Boolean).join(': ') || `HTTP ${res.status}`;
  const correlation = headerValue(res.headers, 'inin-correlation-id');
  const ref = correlation ? ` (ININ-Correlation-ID ${correlation})` : '';
  if (res.status === 429)
    return new RateLimitedError(`${what}: rate limited by Genesys, ${detail}${ref}`, retryAfterMs(res.headers));
  if (res.status === 401) return new AuthError(`${what}: Genesys refused the access token (${detail})${ref}`);
  if (res.status === 403) {
    return new AuthError(`${what}: the OAuth client lacks a permission it needs (audits:audit:view): ${detail}${ref}`);
  }
  if (res.status >= 500 || res.status === 408)
    return new TransientError(`${what}: Genesys answered ${res.status}, ${detail}${ref}`);
  return new BadRequestError(`${what}: Genesys answered ${res.status}, ${detail}${ref}`, res.status, body.code);
}

export function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** Parses a 2xx body; a body cut short by a reset is transient, a wrong shape is invalid data. */
export function jsonBody<T>(what: string, res: HttpResponse, check: (v: unknown) => v is T): T {
  let value: unknown;
  try {
    value = JSON.parse(res.text);
  } catch {
    throw new TransientError(`${what}: the response body is not complete JSON (${res.text.length} bytes); retrying`);
  }
  if (!check(value)) throw new InvalidDataError(`${what}: the response does not have the documented shape`);
  return value;
}

export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const pathOf = (url: string) => {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
};
