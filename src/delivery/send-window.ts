import { HecClient } from '../splunk/hec-client';
import { HecUnavailableError } from '../splunk/hec-status';

/** A blip (a cut connection, one busy answer) is retried in place; longer outages go to the workflow's durable timers. */
const QUICK_RETRY_DELAYS_MS = [200, 1000];

async function sendWithQuickRetries(hec: HecClient, body: Buffer) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await hec.send(body);
    } catch (err) {
      if (!(err instanceof HecUnavailableError) || attempt >= QUICK_RETRY_DELAYS_MS.length) throw err;
      await new Promise((r) => setTimeout(r, QUICK_RETRY_DELAYS_MS[attempt]));
    }
  }
}

/** One batch on its way: its gzip body and what the collector has said about it. */
export interface WindowEntry {
  index: number;
  body: Buffer;
  /** Requests of this run that the collector answered 200. */
  sends: number;
  /** Sends recorded by earlier runs and never acknowledged: a send now is a resend. */
  priorSends: number;
  ackId: number | null;
  acked: boolean;
  /** When the last 200 came (ms): the acknowledgment timeout counts from here. */
  answeredAt: number;
  /** Acknowledgment timeouts so far. */
  rounds: number;
  /** Queued or in flight in the window. */
  busy: boolean;
  /** How its last request failed: refused (an HTTP answer, so it did not arrive) or unknown (cut, timeout). */
  failed: 'refused' | 'unknown' | null;
}

/**
 * Keeps up to `limit` HEC requests in flight: batches queued here are POSTed as soon as a
 * request slot frees, from the answer's callback, while the caller builds the next ones. A
 * failed request stops the window (nothing more is posted) and is rethrown by check().
 */
export class SendWindow {
  private readonly queue: WindowEntry[] = [];
  private inFlight = 0;
  private failure: { err: unknown } | null = null;
  private wakers: Array<() => void> = [];
  resends = 0;
  gzipBytes = 0;
  sawAckId = false;

  constructor(
    private readonly hec: HecClient,
    private readonly limit: number,
  ) {}

  /** Queued and in flight: requests not yet answered. */
  get unanswered(): number {
    return this.queue.length + this.inFlight;
  }

  enqueue(entries: WindowEntry[], first = false): void {
    for (const e of entries) e.busy = true;
    if (first) this.queue.unshift(...entries);
    else this.queue.push(...entries);
    this.pump();
  }

  /** Throws the first failure of a request. */
  check(): void {
    if (this.failure) throw this.failure.err;
  }

  /** Posts nothing more (the delivery failed elsewhere); requests already sent still answer. */
  halt(err: unknown): void {
    this.failure ??= { err };
  }

  /** Resolves at the next answer, or after `ms`. */
  async progress(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.wakers.push(resolve);
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
  }

  /** Waits until no request is in flight (after a failure: the ones already sent have answered). */
  async idle(): Promise<void> {
    while (this.inFlight > 0) await this.progress(1000);
  }

  private pump(): void {
    while (!this.failure && this.inFlight < this.limit && this.queue.length > 0) this.post(this.queue.shift()!);
  }

  private post(entry: WindowEntry): void {
    this.inFlight++;
    const prior = entry.sends + entry.priorSends;
    sendWithQuickRetries(this.hec, entry.body)
      .then(
        (sent) => {
          if (prior > 0) this.resends++;
          entry.sends++;
          entry.failed = null;
          entry.answeredAt = Date.now();
          this.gzipBytes += entry.body.length;
          entry.ackId = sent.ackId ?? null;
          if (sent.ackId !== undefined) this.sawAckId = true;
          else entry.acked = true;
        },
        (err: unknown) => {
          entry.failed = (err as { status?: number }).status !== undefined ? 'refused' : 'unknown';
          this.failure ??= { err };
        },
      )
      .finally(() => {
        entry.busy = false;
        this.inFlight--;
        this.pump();
        const wake = this.wakers;
        this.wakers = [];
        for (const w of wake) w();
      });
  }
}
