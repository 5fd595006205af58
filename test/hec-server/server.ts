/**
 * A Splunk HTTP Event Collector for tests, written from Splunk's documentation ("HTTP Event
 * Collector REST API endpoints", "Format events for HTTP Event Collector", "About HTTP Event
 * Collector Indexer Acknowledgment", the HEC status codes): token auth (`Authorization: Splunk
 * <token>`) with the documented error bodies, gzip bodies of concatenated JSON event objects,
 * channels and ack ids, /services/collector/ack and /services/collector/health. Splunk cannot
 * run here; this is what the delivery is tested against. Fault knobs: 503 busy, other statuses,
 * acknowledgments that never arrive, a connection cut mid-batch, slow answers.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { HEC_STATUS, HecCode } from '../../src/splunk/hec-status';

export interface TokenSpec {
  /** Indexer acknowledgment on the token (useACK). */
  ack: boolean;
  disabled?: boolean;
  /** Allowed indexes; the first is the default. Empty: any index, default "main". */
  indexes?: string[];
}

export interface ReceivedEvent {
  time?: number;
  host?: string;
  source?: string;
  sourcetype?: string;
  index: string;
  event: unknown;
  fields?: Record<string, unknown>;
  channel: string | null;
  ackId: number | null;
  request: number;
}

export interface Knobs {
  /** The next N event requests answer 503 code 9 "Server is busy". */
  busy: number;
  /** Answer every event request 503 code 9 while true (an outage). */
  down: boolean;
  /** The next N event requests answer this status (429, 500, 502 ...). */
  failNext: { count: number; status: number };
  /** Acknowledgments of the next N ack ids never become true (the events are indexed). */
  dropAcks: number;
  /** Acks turn true this long after the request (indexing time). */
  ackDelayMs: number;
  /** The next N event requests: the connection is cut after part of the body, nothing indexed. */
  cutMidBatch: number;
  /** Milliseconds each event request takes. */
  delayMs: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class HecReceiver {
  readonly events: ReceivedEvent[] = [];
  readonly knobs: Knobs = {
    busy: 0,
    down: false,
    failNext: { count: 0, status: 500 },
    dropAcks: 0,
    ackDelayMs: 0,
    cutMidBatch: 0,
    delayMs: 0,
  };
  readonly stats = {
    eventRequests: 0,
    accepted: 0,
    refused: 0,
    ackPolls: 0,
    bytesOnWire: 0,
    rawBytes: 0,
    cut: 0,
    /** Event requests being received or answered at once, at most (a sender's pipelining). */
    maxConcurrent: 0,
    /** Ack ids asked in one /services/collector/ack request, at most. */
    maxAcksPerPoll: 0,
  };
  private concurrent = 0;
  /** Keep only counts (benchmarks): events are parsed and checked, not stored. */
  countOnly = false;
  eventCount = 0;
  private server?: Server;
  private readonly channels = new Map<string, { next: number; acks: Map<number, { at: number; dropped: boolean }> }>();

  constructor(readonly tokens: Record<string, TokenSpec>) {}

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => {
        if (!res.headersSent) reply(res, 8, { detail: err.message });
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Events by their indexed event_id field, with how often each arrived. */
  eventIdCounts(sourcetype?: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of this.events) {
      if (sourcetype && e.sourcetype !== sourcetype) continue;
      const id = String(e.fields?.event_id ?? e.fields?.finding_id);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '');
    if (req.method === 'GET' && path === '/services/collector/health') {
      await drain(req);
      return reply(res, this.knobs.down || this.knobs.busy > 0 ? 18 : 17);
    }
    if (
      req.method !== 'POST' ||
      ![
        '/services/collector',
        '/services/collector/event',
        '/services/collector/event/1.0',
        '/services/collector/ack',
      ].includes(path)
    ) {
      await drain(req);
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ text: 'The requested URL was not found on this server.', code: 404 }));
      return;
    }
    const token = this.authenticate(req, res);
    if (!token) return void (await drain(req));
    const channel = (req.headers['x-splunk-request-channel'] as string | undefined) ?? url.searchParams.get('channel');

    if (path === '/services/collector/ack') {
      const body = await readBody(req);
      this.stats.ackPolls++;
      if (!token.ack) return reply(res, 14);
      if (!channel) return reply(res, 10);
      if (!GUID.test(channel)) return reply(res, 11);
      let ids: unknown;
      try {
        ids = (JSON.parse(body.toString('utf8')) as { acks?: unknown }).acks;
      } catch {
        return reply(res, 6);
      }
      if (!Array.isArray(ids)) return reply(res, 6);
      this.stats.maxAcksPerPoll = Math.max(this.stats.maxAcksPerPoll, ids.length);
      const ch = this.channels.get(channel);
      const now = Date.now();
      const acks: Record<string, boolean> = {};
      for (const id of ids as number[]) {
        const a = ch?.acks.get(Number(id));
        acks[String(id)] = !!a && !a.dropped && a.at <= now;
      }
      return json(res, 200, { acks });
    }

    // Event endpoint.
    this.stats.eventRequests++;
    this.concurrent++;
    this.stats.maxConcurrent = Math.max(this.stats.maxConcurrent, this.concurrent);
    res.once('close', () => this.concurrent--);
    if (this.knobs.cutMidBatch > 0) {
      this.knobs.cutMidBatch--;
      this.stats.cut++;
      // Read a little of the body, then drop the connection: the sender sees a reset, nothing is indexed.
      await new Promise<void>((resolve) => req.once('data', () => resolve()));
      req.socket.destroy();
      return;
    }
    const raw = await readBody(req);
    this.stats.bytesOnWire += raw.length;
    if (this.knobs.delayMs > 0) await new Promise((r) => setTimeout(r, this.knobs.delayMs));
    if (this.knobs.down) return reply(res, 9);
    if (this.knobs.busy > 0) {
      this.knobs.busy--;
      return reply(res, 9);
    }
    if (this.knobs.failNext.count > 0) {
      this.knobs.failNext.count--;
      const status = this.knobs.failNext.status;
      return status === 429
        ? json(res, 429, { text: 'Too Many Requests', code: 9 })
        : reply(res, status === 503 ? 9 : 8, { status });
    }
    if (token.ack) {
      if (!channel) return reply(res, 10);
      if (!GUID.test(channel)) return reply(res, 11);
    }
    let body: Buffer;
    try {
      body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
    } catch {
      return reply(res, 6);
    }
    this.stats.rawBytes += body.length;
    const parsed = parseConcatenated(body.toString('utf8'));
    if (parsed.objects.length === 0 && parsed.error === null) return reply(res, 5);
    if (parsed.error !== null) return reply(res, 6, { 'invalid-event-number': parsed.objects.length });
    const allowed = token.indexes ?? [];
    const accepted: Omit<ReceivedEvent, 'channel' | 'ackId' | 'request'>[] = [];
    for (const [i, o] of parsed.objects.entries()) {
      if (typeof o !== 'object' || o === null || Array.isArray(o)) return reply(res, 6, { 'invalid-event-number': i });
      const e = o as Record<string, unknown>;
      if (!('event' in e)) return reply(res, 12, { 'invalid-event-number': i });
      if (e.event === '' || e.event === null) return reply(res, 13, { 'invalid-event-number': i });
      const index = typeof e.index === 'string' ? e.index : (allowed[0] ?? 'main');
      if (allowed.length > 0 && !allowed.includes(index)) return reply(res, 7, { 'invalid-event-number': i });
      if (e.fields !== undefined && !flatFields(e.fields)) return reply(res, 15, { 'invalid-event-number': i });
      if (
        e.time !== undefined &&
        !(typeof e.time === 'number' || (typeof e.time === 'string' && /^\d+(\.\d+)?$/.test(e.time)))
      ) {
        return reply(res, 6, { 'invalid-event-number': i });
      }
      accepted.push({
        time: e.time === undefined ? undefined : Number(e.time),
        host: e.host as string | undefined,
        source: e.source as string | undefined,
        sourcetype: e.sourcetype as string | undefined,
        index,
        event: e.event,
        fields: e.fields as Record<string, unknown> | undefined,
      });
    }
    let ackId: number | null = null;
    if (token.ack && channel) {
      const ch = this.channels.get(channel) ?? { next: 0, acks: new Map() };
      this.channels.set(channel, ch);
      ackId = ch.next++;
      const dropped = this.knobs.dropAcks > 0;
      if (dropped) this.knobs.dropAcks--;
      ch.acks.set(ackId, { at: Date.now() + this.knobs.ackDelayMs, dropped });
    }
    this.stats.accepted++;
    this.eventCount += accepted.length;
    if (!this.countOnly)
      for (const a of accepted)
        this.events.push({ ...a, channel: channel ?? null, ackId, request: this.stats.eventRequests });
    return json(res, 200, ackId === null ? { text: 'Success', code: 0 } : { text: 'Success', code: 0, ackId });
  }

  private authenticate(req: IncomingMessage, res: ServerResponse): TokenSpec | null {
    const header = req.headers.authorization;
    if (!header) {
      this.stats.refused++;
      reply(res, 2);
      return null;
    }
    const m = /^Splunk\s+(\S+)$/.exec(header);
    if (!m) {
      this.stats.refused++;
      reply(res, 3);
      return null;
    }
    const token = this.tokens[m[1]];
    if (!token || token.disabled) {
      this.stats.refused++;
      reply(res, token ? 1 : 4);
      return null;
    }
    return token;
  }
}

function reply(res: ServerResponse, code: HecCode, extra: Record<string, unknown> & { status?: number } = {}): void {
  const { status, ...rest } = extra;
  json(res, status ?? HEC_STATUS[code].http, { text: HEC_STATUS[code].text, code, ...rest });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) void _;
}

/** Indexed fields: a flat object of strings, numbers or arrays of them (Splunk refuses nesting, code 15). */
function flatFields(fields: unknown): boolean {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return false;
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number';
  return Object.values(fields).every((v) => scalar(v) || (Array.isArray(v) && v.every(scalar)));
}

/** HEC bodies are JSON objects one after another, with or without whitespace between them. */
export function parseConcatenated(text: string): { objects: unknown[]; error: string | null } {
  return parseObjectPerLine(text) ?? parseScanning(text);
}

/**
 * The common body, one object per line, parsed line by line (JSON text holds no raw newline);
 * null when any line is not exactly one object, and the scanner below decides (and names the error).
 */
function parseObjectPerLine(text: string): { objects: unknown[]; error: null } | null {
  const objects: unknown[] = [];
  for (let p = 0; p < text.length;) {
    let nl = text.indexOf('\n', p);
    if (nl === -1) nl = text.length;
    if (text.charCodeAt(p) !== 0x7b) {
      if (text.slice(p, nl).trim() !== '') return null;
    } else {
      let v: unknown;
      try {
        v = JSON.parse(text.slice(p, nl));
      } catch {
        return null;
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
      objects.push(v);
    }
    p = nl + 1;
  }
  return { objects, error: null };
}

function parseScanning(text: string): { objects: unknown[]; error: string | null } {
  const objects: unknown[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i])) i++;
    if (i >= n) break;
    if (text[i] !== '{') return { objects, error: `unexpected ${text[i]}` };
    let depth = 0;
    let inString = false;
    let j = i;
    for (; j < n; j++) {
      const ch = text.charCodeAt(j);
      if (inString) {
        if (ch === 92) j++;
        else if (ch === 34) inString = false;
      } else if (ch === 34) inString = true;
      else if (ch === 123) depth++;
      else if (ch === 125 && --depth === 0) break;
    }
    if (depth !== 0 || j >= n) return { objects, error: 'unterminated object' };
    try {
      objects.push(JSON.parse(text.slice(i, j + 1)));
    } catch (err) {
      return { objects, error: (err as Error).message };
    }
    i = j + 1;
  }
  return { objects, error: null };
}
