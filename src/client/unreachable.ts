import { S3Client } from '@aws-sdk/client-s3';
import { GcauditError } from '../errors';

/** Error codes of a connection that could not be made (refused, no route, no such host, timed out). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
]);

/**
 * A service the CLI needs (Temporal, the lake's S3) did not answer. The message is one line for
 * a person: which service, at which address, and what to do about it.
 */
export class ServiceUnreachableError extends GcauditError {
  readonly type = 'ServiceUnreachableError';
  constructor(
    readonly service: string,
    readonly address: string,
    readonly setting: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach ${service} at ${address} (${reason}): ${hint(address, setting)}`, options);
  }
}

function hint(address: string, setting: string): string {
  return /(^|\/\/|\[)(127\.\d+\.\d+\.\d+|localhost|::1)([:\]/]|$)/.test(address)
    ? 'is the local stack running? npm start'
    : `check ${setting} and that the network reaches it`;
}

/** The network error code (ECONNREFUSED, ...) anywhere in an error's cause chain, if any. */
export function networkErrorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    // Several addresses tried (IPv4 and IPv6): Node reports an AggregateError.
    for (const inner of (e as { errors?: unknown[] }).errors ?? []) {
      const c = networkErrorCode(inner);
      if (c) return c;
    }
  }
  return undefined;
}

/** Turns the S3 client's network failures (after its own retries) into a ServiceUnreachableError naming the endpoint. */
export function reportUnreachableS3(s3: S3Client, endpoint: string): S3Client {
  s3.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        const code = networkErrorCode(err);
        if (code) throw new ServiceUnreachableError('S3 (the lake)', endpoint, 'S3_ENDPOINT', code, { cause: err });
        throw err;
      }
    },
    { step: 'initialize', name: 'gcauditReportUnreachable' },
  );
  return s3;
}
