import { Dispatcher } from 'undici';
import { Secret } from '../config/secret';
import { AuthError, RateLimitedError, TransientError } from '../errors';
import { parseJson, retryAfterMs, send } from './http';

interface TokenAnswer {
  access_token?: string;
  expires_in?: number;
  error?: string;
  description?: string;
  error_description?: string;
}

export interface TokenProviderOptions {
  loginBase: string;
  clientId: string;
  clientSecret: Secret;
  dispatcher: Dispatcher;
  now?: () => number;
}

/**
 * OAuth client-credentials tokens, one provider per process: cached, refreshed ahead of expiry
 * (at 80% of the lifetime, so a 30-second token is renewed after 24 s), and at most one refresh
 * in flight however many requests need a token.
 */
export class TokenProvider {
  private current?: { value: string; refreshAt: number; expiresAt: number };
  private inFlight?: Promise<string>;
  refreshes = 0;
  private readonly now: () => number;

  constructor(private readonly opts: TokenProviderOptions) {
    this.now = opts.now ?? Date.now;
  }

  async token(): Promise<string> {
    const c = this.current;
    if (c && this.now() < c.refreshAt) return c.value;
    // A token near its end is still usable while a refresh runs; an expired one is not.
    if (c && this.now() < c.expiresAt && this.inFlight) return c.value;
    return this.refresh();
  }

  /** After a 401: forget this token (unless another refresh already replaced it). */
  invalidate(value: string): void {
    if (this.current?.value === value) this.current = undefined;
  }

  private refresh(): Promise<string> {
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchToken(): Promise<string> {
    const basic = Buffer.from(`${this.opts.clientId}:${this.opts.clientSecret.reveal()}`).toString('base64');
    const started = this.now();
    const res = await send(this.opts.dispatcher, `${this.opts.loginBase}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    const body = parseJson<TokenAnswer>(res.text) ?? {};
    if (res.status === 429)
      throw new RateLimitedError('OAuth token request rate limited by Genesys', retryAfterMs(res.headers));
    if (res.status >= 500) throw new TransientError(`OAuth token request: Genesys answered ${res.status}`);
    if (res.status !== 200 || !body.access_token) {
      const reason = body.error_description ?? body.description ?? body.error ?? `HTTP ${res.status}`;
      throw new AuthError(
        `Genesys refused the client credentials of OAuth client ${this.opts.clientId} (${reason}): check GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET and GENESYS_REGION`,
      );
    }
    const lifetimeMs = Math.max(1, body.expires_in ?? 86_400) * 1000;
    this.current = { value: body.access_token, refreshAt: started + lifetimeMs * 0.8, expiresAt: started + lifetimeMs };
    this.refreshes++;
    return body.access_token;
  }
}
