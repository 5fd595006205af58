import { GcauditError } from '../errors';

/**
 * The HTTP Event Collector's status codes, as Splunk documents them ("Troubleshoot HTTP Event
 * Collector"): the JSON body `{"text": ..., "code": n}` and the HTTP status it comes with. The
 * test receiver answers from this table and the client maps answers back through it.
 */
export const HEC_STATUS = {
  0: { http: 200, text: 'Success' },
  1: { http: 403, text: 'Token disabled' },
  2: { http: 401, text: 'Token is required' },
  3: { http: 401, text: 'Invalid authorization' },
  4: { http: 403, text: 'Invalid token' },
  5: { http: 400, text: 'No data' },
  6: { http: 400, text: 'Invalid data format' },
  7: { http: 400, text: 'Incorrect index' },
  8: { http: 500, text: 'Internal server error' },
  9: { http: 503, text: 'Server is busy' },
  10: { http: 400, text: 'Data channel is missing' },
  11: { http: 400, text: 'Invalid data channel' },
  12: { http: 400, text: 'Event field is required' },
  13: { http: 400, text: 'Event field cannot be blank' },
  14: { http: 400, text: 'ACK is disabled' },
  15: { http: 400, text: 'Error in handling indexed fields' },
  16: { http: 400, text: 'Query string authorization is not enabled' },
  17: { http: 200, text: 'HEC is healthy' },
  18: { http: 503, text: 'HEC is unhealthy, queues are full' },
  19: { http: 503, text: 'HEC is unhealthy, ack service unavailable' },
  20: { http: 503, text: 'HEC is unhealthy, queues are full, ack service unavailable' },
} as const satisfies Record<number, { http: number; text: string }>;

export type HecCode = keyof typeof HEC_STATUS;

/** What an operator must change for a refused request, by HEC code. */
const REMEDY: Partial<Record<number, string>> = {
  1: 'the HEC token is disabled: enable it in Splunk (Settings > Data inputs > HTTP Event Collector)',
  2: 'no token was sent: set SPLUNK_HEC_TOKEN (or SPLUNK_HEC_TOKEN_FILE)',
  3: 'the Authorization header was refused: check SPLUNK_HEC_TOKEN',
  4: 'the HEC token is not valid: check SPLUNK_HEC_TOKEN against the token in Splunk',
  6: 'Splunk could not parse a batch',
  7: "the index is not allowed for this token or does not exist: check SPLUNK_INDEX and the token's allowed indexes",
  10: 'the token has indexer acknowledgment on and needs a channel',
  11: 'the channel was refused',
  14: 'the token has indexer acknowledgment off: set SPLUNK_HEC_ACK=off',
  15: 'Splunk refused the indexed fields',
};

/**
 * The collector refused the request itself (400, 401, 403): sending it again cannot help until
 * an operator changes the token, the index or the settings. The message names the cause and the
 * HEC code; it never holds the token.
 */
export class HecRejectedError extends GcauditError {
  readonly type = 'HecRejected';
  override readonly retryable = false;
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    readonly text: string,
  ) {
    super(
      `Splunk HEC refused the request: HTTP ${status}${code !== undefined ? `, code ${code}` : ''} "${text}"${code !== undefined && REMEDY[code] ? ` — ${REMEDY[code]}` : ''}`,
    );
  }
}

/**
 * The collector is busy or unreachable (503 server busy, 429, other 5xx, a reset or timeout):
 * the delivery workflow waits with durable timers and tries again, for SPLUNK_RETRY_MAX_HOURS.
 */
export class HecUnavailableError extends GcauditError {
  readonly type = 'HecUnavailable';
  /** Not retried by the activity's own policy: the workflow owns the backoff (hours). */
  override readonly retryable = false;
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Splunk's answer body: `{"text":"Success","code":0,"ackId":7}` or an error. */
export interface HecAnswer {
  text?: string;
  code?: number;
  ackId?: number;
  'invalid-event-number'?: number;
}

export function hecAnswer(body: string): HecAnswer {
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === 'object' ? (v as HecAnswer) : {};
  } catch {
    return {};
  }
}
