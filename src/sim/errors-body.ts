import { randomUUID } from 'node:crypto';

/** Genesys' ErrorBody: every API error has this shape (see the swagger definition). */
export interface ErrorBody {
  message: string;
  code: string;
  status: number;
  contextId: string;
  details: Array<{ errorCode?: string; fieldName?: string; entityId?: string; entityName?: string }>;
  errors: ErrorBody[];
  messageWithParams?: string;
  messageParams?: Record<string, string>;
}

/** An API error on its way out: the status, the body and any extra headers. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly messageParams?: Record<string, string>,
  ) {
    super(message);
  }

  body(contextId: string): ErrorBody {
    const body: ErrorBody = {
      message: this.message,
      code: this.code,
      status: this.status,
      contextId,
      details: [],
      errors: [],
    };
    if (this.messageParams) body.messageParams = this.messageParams;
    return body;
  }
}

export const badRequest = (message: string, code = 'bad.request') => new ApiError(400, code, message);
export const notFound = () => new ApiError(404, 'not.found', 'The requested resource was not found.');

export const MALFORMED = 'The request could not be understood by the server due to malformed syntax.';
export const INTERVAL_TOO_LONG =
  'You must specify a search interval as part of your query that does not exceed 31 days';
export const INVALID_DATE = 'Dates must be specified as ISO-8601 strings. For example: yyyy-MM-ddTHH:mm:ss.SSSZ';

export function tooManyRequests(retryAfterSeconds: number): ApiError {
  return new ApiError(
    429,
    'too.many.requests.retry.after',
    `Rate limit exceeded the maximum. Retry the request in [${retryAfterSeconds}] seconds`,
    { 'Retry-After': String(retryAfterSeconds) },
    { retryAfter: String(retryAfterSeconds) },
  );
}

export function serverError(status: 500 | 502 | 503 | 504): ApiError {
  switch (status) {
    case 500:
      return new ApiError(
        500,
        'internal.server.error',
        'The server encountered an unexpected condition which prevented it from fulfilling the request.',
      );
    case 502:
      return new ApiError(
        502,
        'bad.gateway',
        'Bad Gateway - The server received an invalid response from an upstream server.',
      );
    case 503:
      return new ApiError(
        503,
        'service.unavailable',
        'Service Unavailable - The server is currently unavailable (because it is overloaded or down for maintenance).',
      );
    case 504:
      return new ApiError(504, 'request.timeout', 'The request timed out.');
  }
}

/** OAuth errors have their own shape: {error, description, error_description}. */
export interface OAuthErrorBody {
  error: string;
  description: string;
  error_description: string;
}

export function oauthError(error: string, description: string): OAuthErrorBody {
  return { error, description, error_description: description };
}

export const newContextId = (): string => randomUUID();
