/**
 * Typed errors with a stable `type` string. Activities convert them to ApplicationFailures that
 * keep the type, the retryability (`retryable: false` makes the failure non-retryable, whatever
 * the retry policy) and, for rate limits, the server's requested delay.
 */
export abstract class GcauditError extends Error {
  abstract readonly type: string;
  /** When false, retrying cannot help: an operator must change something first. */
  readonly retryable: boolean = true;
  /** Delay the server asked for before the next attempt, if any. */
  readonly retryAfterMs?: number;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad or missing configuration. Never retryable. */
export class ConfigError extends GcauditError {
  readonly type = 'ConfigError';
  override readonly retryable = false;
}

/** Credentials were refused (wrong client id or secret, or a revoked client). */
export class AuthError extends GcauditError {
  readonly type = 'AuthError';
  override readonly retryable = false;
}

/** The request itself is wrong (a 4xx other than 401/429): retrying the same request cannot help. */
export class BadRequestError extends GcauditError {
  readonly type = 'BadRequestError';
  override readonly retryable = false;
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The server asked us to slow down; retry after its delay. */
export class RateLimitedError extends GcauditError {
  readonly type = 'RateLimitedError';
  override readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}

/** 5xx, resets and timeouts: transient, retry with backoff. */
export class TransientError extends GcauditError {
  readonly type = 'TransientError';
}

/**
 * What is wrong with data that cannot be processed: the stable `type` of its quarantine record
 * (src/transform/quarantine.ts). `invalid` is anything not named otherwise (a missing or mistyped field).
 */
export type DataDefect = 'invalid' | 'not_json' | 'too_large' | 'too_deep' | 'missing';

/** Input data that cannot be processed as it is (a malformed page or event). Kept, never dropped. */
export class InvalidDataError extends GcauditError {
  readonly type = 'InvalidDataError';
  override readonly retryable = false;
  readonly defect: DataDefect;
  constructor(message: string, options?: { cause?: unknown; defect?: DataDefect }) {
    super(message, options);
    this.defect = options?.defect ?? 'invalid';
  }
}

/** A write would replace evidence that is already in the lake with different bytes. */
export class ImmutabilityError extends GcauditError {
  readonly type = 'ImmutabilityError';
  override readonly retryable = false;
}

/** The OAuth client lacks the permission an endpoint needs (403 missing.permissions): the data is not readable, not empty. */
export class NotReadableError extends GcauditError {
  readonly type = 'NotReadableError';
  override readonly retryable = false;
  constructor(
    message: string,
    readonly permission: string,
  ) {
    super(message);
  }
}

/** An operation that needs the day sealed first (e.g. an access snapshot, listed in the day's manifest). */
export class DayNotSealedError extends GcauditError {
  readonly type = 'DayNotSealedError';
  override readonly retryable = false;
}
