import { tooManyRequests } from './errors-body';

/**
 * Genesys' per-token budget (client.credentials.token.rate.per.minute, default 300): a token
 * bucket per access token that refills continuously. It runs on real (monotonic) time, not the
 * simulated clock: a client that waits the Retry-After it was given must then get through.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private perMinute: number,
    private readonly monotonicMs: () => number = () => performance.now(),
  ) {}

  setLimit(perMinute: number): void {
    this.perMinute = perMinute;
  }

  get limit(): number {
    return this.perMinute;
  }

  /** Takes one request from the token's budget, or throws the 429 ApiError. */
  take(key: string): void {
    const now = this.monotonicMs();
    const ratePerMs = this.perMinute / 60_000;
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.perMinute, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * ratePerMs);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return;
    }
    const waitMs = (1 - b.tokens) / ratePerMs;
    throw tooManyRequests(Math.max(1, Math.ceil(waitMs / 1000)));
  }
}
