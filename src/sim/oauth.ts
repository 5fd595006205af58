import { randomBytes, timingSafeEqual } from 'node:crypto';
import { SimClock } from './clock';
import { ApiError, OAuthErrorBody, oauthError } from './errors-body';

export interface TokenInfo {
  token: string;
  clientId: string;
  expiresAt: number;
}

export type TokenResult =
  | { ok: true; status: 200; body: { access_token: string; token_type: 'bearer'; expires_in: number } }
  | { ok: false; status: 400 | 401; body: OAuthErrorBody };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The login server's client-credentials grant and the API's bearer check. Tokens live in
 * memory; their expiry follows the simulated clock, so a test can expire one by advancing it.
 */
export class OAuthServer {
  private readonly tokens = new Map<string, TokenInfo>();
  issued = 0;

  constructor(
    readonly clientId: string,
    private readonly clientSecret: string,
    private readonly clock: SimClock,
    private readonly lifetimeSeconds: () => number,
  ) {}

  /** POST /oauth/token with `Authorization: Basic base64(id:secret)` and `grant_type=client_credentials`. */
  token(authorization: string | undefined, form: URLSearchParams): TokenResult {
    let id = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        id = decoded.slice(0, colon);
        secret = decoded.slice(colon + 1);
      }
    }
    const grant = form.get('grant_type');
    if (!grant) return { ok: false, status: 400, body: oauthError('invalid_request', 'grant_type is required') };
    if (grant !== 'client_credentials')
      return {
        ok: false,
        status: 400,
        body: oauthError('unsupported_grant_type', `grant type ${grant} is not supported`),
      };
    if (!id || secret === undefined)
      return { ok: false, status: 401, body: oauthError('invalid_client', 'client authentication is required') };
    if (id !== this.clientId) return { ok: false, status: 401, body: oauthError('invalid_client', 'client not found') };
    if (!sameSecret(secret, this.clientSecret))
      return { ok: false, status: 401, body: oauthError('invalid_client', 'authentication failed') };

    const now = this.clock.nowMs();
    for (const [t, info] of this.tokens) if (info.expiresAt <= now) this.tokens.delete(t);
    const lifetime = Math.round(this.lifetimeSeconds());
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, { token, clientId: id, expiresAt: now + lifetime * 1000 });
    this.issued++;
    return { ok: true, status: 200, body: { access_token: token, token_type: 'bearer', expires_in: lifetime } };
  }

  /** The token behind `Authorization: Bearer ...`, or the 401 Genesys answers. */
  authenticate(authorization: string | undefined): TokenInfo {
    if (!authorization || !/^bearer /i.test(authorization)) {
      throw new ApiError(
        401,
        'authentication.required',
        'No authentication bearer token specified in authorization header.',
      );
    }
    const info = this.tokens.get(authorization.slice(7).trim());
    if (!info || info.expiresAt <= this.clock.nowMs()) {
      throw new ApiError(401, 'bad.credentials', 'Invalid login credentials.');
    }
    return info;
  }
}
