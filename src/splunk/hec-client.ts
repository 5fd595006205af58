import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { Config } from '../config/config';
import { ConfigError } from '../errors';
import { HecRejectedError, hecAnswer, HecUnavailableError } from './hec-status';

export type SplunkConfig = NonNullable<Config['splunk']>;

export interface HecSendResult {
  /** Set when the token has indexer acknowledgment: poll it until true. */
  ackId?: number;
  status: number;
}

/**
 * One HEC endpoint with its token: POST /services/collector/event (gzip bodies, a channel per
 * client so ack ids are ours), POST /services/collector/ack, GET /services/collector/health.
 * Every refusal becomes HecRejectedError or HecUnavailableError; no message holds the token.
 */
export class HecClient {
  readonly channel = randomUUID();
  private readonly dispatcher: Agent;
  private readonly base: string;
  private readonly authorization: string;

  constructor(private readonly cfg: SplunkConfig) {
    if (!cfg.token) throw new ConfigError('SPLUNK_HEC_TOKEN: required to deliver to Splunk (or SPLUNK_HEC_TOKEN_FILE)');
    let ca: Buffer | undefined;
    if (cfg.caFile) {
      try {
        ca = readFileSync(cfg.caFile);
      } catch (err) {
        throw new ConfigError(
          `SPLUNK_CA_FILE: cannot read ${cfg.caFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
    }
    this.dispatcher = new Agent({
      connect: { ca, rejectUnauthorized: cfg.tlsVerify },
      keepAliveTimeout: 30_000,
      headersTimeout: 120_000,
      bodyTimeout: 120_000,
    });
    this.base = cfg.url.replace(/\/+$/, '');
    this.authorization = `Splunk ${cfg.token.reveal()}`;
  }

  /** Sends one batch: `body` is the gzip of newline-separated HEC event objects. */
  async send(body: Buffer): Promise<HecSendResult> {
    const headers: Record<string, string> = {
      authorization: this.authorization,
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    };
    if (this.cfg.ack) headers['x-splunk-request-channel'] = this.channel;
    const res = await this.call(
      'POST /services/collector/event',
      `${this.base}/services/collector/event`,
      headers,
      body,
    );
    const answer = hecAnswer(res.text);
    return { status: res.status, ackId: this.cfg.ack && typeof answer.ackId === 'number' ? answer.ackId : undefined };
  }

  /** Which of `ackIds` (of this channel) are indexed. */
  async acks(ackIds: number[]): Promise<Map<number, boolean>> {
    const res = await this.call(
      'POST /services/collector/ack',
      `${this.base}/services/collector/ack?channel=${this.channel}`,
      {
        authorization: this.authorization,
        'content-type': 'application/json',
        'x-splunk-request-channel': this.channel,
      },
      Buffer.from(JSON.stringify({ acks: ackIds })),
    );
    const parsed = (hecAnswer(res.text) as { acks?: Record<string, boolean> }).acks ?? {};
    return new Map(ackIds.map((id) => [id, parsed[String(id)] === true]));
  }

  /** GET /services/collector/health: healthy or why not (no token needed). */
  async health(): Promise<{ healthy: boolean; status: number; text: string }> {
    try {
      const res = await request(`${this.base}/services/collector/health`, {
        dispatcher: this.dispatcher,
        method: 'GET',
      });
      const text = await res.body.text();
      return {
        healthy: res.statusCode === 200,
        status: res.statusCode,
        text: hecAnswer(text).text ?? text.slice(0, 200),
      };
    } catch (err) {
      return { healthy: false, status: 0, text: networkCode(err) };
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async call(
    what: string,
    url: string,
    headers: Record<string, string>,
    body: Buffer,
  ): Promise<{ status: number; text: string }> {
    let status: number;
    let text: string;
    try {
      const res = await request(url, { dispatcher: this.dispatcher, method: 'POST', headers, body });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      // No cause attached: the request's options (with the Authorization header) stay out of errors.
      throw new HecUnavailableError(`${what}: ${networkCode(err)} (${hostOf(this.base)})`);
    }
    if (status === 200) return { status, text };
    const answer = hecAnswer(text);
    const said = answer.text ?? text.slice(0, 120);
    if (status === 429 || status === 408 || status >= 500) {
      throw new HecUnavailableError(
        `${what}: HTTP ${status}${answer.code !== undefined ? `, code ${answer.code}` : ''} "${said}" (${hostOf(this.base)})`,
        status,
      );
    }
    throw new HecRejectedError(status, answer.code, said);
  }
}

function networkCode(err: unknown): string {
  const e = err as { code?: string; name?: string; cause?: { code?: string } };
  return e.code ?? e.cause?.code ?? e.name ?? 'network error';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the HEC';
  }
}
