/**
 * An S3 endpoint for tests of the archive API: a proxy in front of the harness's MinIO that
 * answers what MinIO lacks (lifecycle transitions, archive storage classes, RestoreObject and the
 * x-amz-restore header) with recorded Amazon S3 responses (fixtures/s3-archive-responses.ts) and
 * passes everything else through unchanged, signature included (the Host header is kept).
 */
import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { S3_RECORDED } from './fixtures/s3-archive-responses';

interface ArchivedKey {
  storageClass: string;
  restore: 'none' | 'ongoing' | 'done';
  /** HeadObjects still answered "ongoing" before the restore completes. */
  headsLeft: number;
}

export interface RecordedS3 {
  endpoint: string;
  /** Marks objects under a key prefix as transitioned to an archive class. */
  archive(prefix: string, storageClass: 'GLACIER' | 'DEEP_ARCHIVE', opts?: { headsUntilRestored?: number }): void;
  /** What the client sent, in order: e.g. "POST restore acme/audit_events/...". */
  calls: string[];
  lifecycleXml(bucket: string): string | undefined;
  close(): Promise<void>;
}

export async function startRecordedS3(minioEndpoint: string): Promise<RecordedS3> {
  const upstream = new URL(minioEndpoint);
  const archivedPrefixes: Array<{ prefix: string; storageClass: string; heads: number }> = [];
  const state = new Map<string, ArchivedKey>();
  const lifecycle = new Map<string, string>();
  const calls: string[] = [];

  const archivedState = (bucketKey: string): ArchivedKey | undefined => {
    const known = state.get(bucketKey);
    if (known) return known;
    const key = bucketKey.slice(bucketKey.indexOf('/') + 1);
    const rule = archivedPrefixes.find((p) => key.startsWith(p.prefix));
    if (!rule) return undefined;
    const s: ArchivedKey = { storageClass: rule.storageClass, restore: 'none', headsLeft: rule.heads };
    state.set(bucketKey, s);
    return s;
  };

  const reply = (res: ServerResponse, status: number, body = '', headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      ...S3_RECORDED.requestHeaders,
      ...(body
        ? { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)) }
        : { 'content-length': '0' }),
      ...headers,
    });
    res.end(body);
  };

  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer | null,
    edit?: (headers: Record<string, string | string[] | undefined>) => void,
  ) => {
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        const headers = { ...up.headers };
        edit?.(headers);
        res.writeHead(up.statusCode ?? 502, headers as never);
        up.pipe(res);
      },
    );
    out.on('error', () => reply(res, 502));
    if (body) out.end(body);
    else req.pipe(out);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://s3');
      const bucketKey = decodeURIComponent(url.pathname.slice(1));
      const [bucket] = bucketKey.split('/');
      const q = url.searchParams;
      if (q.has('lifecycle')) {
        calls.push(`${req.method} lifecycle ${bucket}`);
        if (req.method === 'PUT') {
          lifecycle.set(bucket, (await readBody(req)).toString('utf8'));
          return reply(res, S3_RECORDED.lifecycleAccepted.status);
        }
        if (req.method === 'GET') {
          const xml = lifecycle.get(bucket);
          if (!xml) {
            const r = S3_RECORDED.noSuchLifecycle(bucket);
            return reply(res, r.status, r.body);
          }
          return reply(res, 200, xml.startsWith('<?xml') ? xml : `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
        }
      }
      const archived = bucketKey.includes('/') ? archivedState(bucketKey) : undefined;
      if (archived && q.has('restore') && req.method === 'POST') {
        calls.push(`POST restore ${bucketKey}`);
        await readBody(req);
        if (archived.restore === 'ongoing')
          return reply(res, S3_RECORDED.restoreInProgress.status, S3_RECORDED.restoreInProgress.body);
        if (archived.restore === 'done') return reply(res, S3_RECORDED.restoreAlreadyRestored.status);
        archived.restore = 'ongoing';
        return reply(res, S3_RECORDED.restoreAccepted.status);
      }
      if (archived && req.method === 'HEAD') {
        calls.push(`HEAD ${bucketKey}`);
        if (archived.restore === 'ongoing' && archived.headsLeft-- <= 0) archived.restore = 'done';
        return forward(req, res, null, (h) => {
          h['x-amz-storage-class'] = archived.storageClass;
          if (archived.restore === 'ongoing') h['x-amz-restore'] = S3_RECORDED.restoreOngoingHeader;
          if (archived.restore === 'done')
            h['x-amz-restore'] = S3_RECORDED.restoreDoneHeader(new Date(Date.now() + 7 * 86_400_000));
        });
      }
      if (
        archived &&
        req.method === 'GET' &&
        archived.restore !== 'done' &&
        !q.has('retention') &&
        !q.has('legal-hold')
      ) {
        calls.push(`GET ${bucketKey} (archived)`);
        const r = S3_RECORDED.invalidObjectState(archived.storageClass);
        return reply(res, r.status, r.body);
      }
      forward(req, res, null);
    })().catch(() => reply(res, 500));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    archive(prefix, storageClass, opts = {}) {
      archivedPrefixes.push({ prefix, storageClass, heads: opts.headsUntilRestored ?? 2 });
    },
    calls,
    lifecycleXml: (bucket) => lifecycle.get(bucket),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
