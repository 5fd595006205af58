/**
 * A token bucket that paces requests under the org's limit (Genesys: 300 a minute per
 * client-credentials token) so a healthy run sees almost no 429s. One per process; the budget
 * across worker processes is Temporal's task-queue rate limit.
 */
export class RequestBudget {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();
  /** Total time callers waited for the budget, for progress and benchmarks. */
  waitedMs = 0;

  constructor(
    readonly perMinute: number,
    readonly burst = Math.max(1, Math.floor(perMinute / 30)),
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Resolves when one request may be sent; callers are served in order. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      const t = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.perMinute) / 60_000);
      this.last = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute);
      this.waitedMs += waitMs;
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
