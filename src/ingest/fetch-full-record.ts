/**
 * Finds the full record of one audit in the audit query API, by id. Inside the realtime window
 * (14 days) one `realtime/related` call answers with every audit of the same action, the one
 * asked for included; older audits need an async query, filtered by the entity the topic named
 * and an interval around the event's time, then paged until the id turns up.
 */
import { BadRequestError } from '../errors';
import { AuditClient, AuditQueryRequest, isTerminalState, MAX_PAGE_SIZE } from '../genesys/audit-client';
import { AuditLogMessage } from '../model/audit-log-message';
import { RehydrationRequest } from './envelope';

/** The realtime endpoints cover 14 days; an hour of margin keeps a call from straddling the edge. */
export const REALTIME_DAYS = 14;
const REALTIME_MARGIN_MS = 3_600_000;
/** Either side of eventTime (or of the envelope's time, a few seconds later). */
const QUERY_MARGIN_MS = 3_600_000;

export interface FetchResult {
  record: AuditLogMessage | null;
  via: 'related' | 'query';
  requests: number;
}

export interface FetchHooks {
  /** Waits between status polls of an async query (the activity's cancellable sleep). */
  sleep(ms: number): Promise<void>;
  heartbeat(): void;
}

export async function fetchFullRecord(
  api: AuditClient,
  req: RehydrationRequest,
  nowMs: number,
  hooks: FetchHooks,
): Promise<FetchResult> {
  const before = api.stats().requests;
  const count = () => api.stats().requests - before;
  const at = Date.parse(req.eventTime);
  if (at > nowMs - REALTIME_DAYS * 86_400_000 + REALTIME_MARGIN_MS) {
    try {
      const related = await api.related(req.eventId);
      return { record: related.find((r) => r.id === req.eventId) ?? null, via: 'related', requests: count() };
    } catch (err) {
      // Outside the realtime window after all (clock skew): the async query covers it.
      if (!(err instanceof BadRequestError)) throw err;
    }
  }
  const filters: AuditQueryRequest['filters'] = [];
  if (req.entityType) filters.push({ property: 'EntityType', value: req.entityType });
  if (req.entityId) filters.push({ property: 'EntityId', value: req.entityId });
  const query: AuditQueryRequest = {
    interval: `${new Date(at - QUERY_MARGIN_MS).toISOString()}/${new Date(at + QUERY_MARGIN_MS).toISOString()}`,
    sort: [{ name: 'Timestamp', sortOrder: 'ascending' }],
  };
  if (filters.length > 0) query.filters = filters;
  const submitted = await api.submitQuery(query);
  let state = submitted.state;
  for (let delay = 250; !isTerminalState(state); delay = Math.min(delay * 2, 5_000)) {
    await hooks.sleep(delay);
    hooks.heartbeat();
    state = (await api.queryStatus(submitted.id)).state;
  }
  if (state !== 'Succeeded') return { record: null, via: 'query', requests: count() };
  let cursor: string | undefined;
  do {
    const page = await api.resultsPage(submitted.id, { cursor, pageSize: MAX_PAGE_SIZE });
    hooks.heartbeat();
    const found = page.entities.find((r) => r.id === req.eventId);
    if (found) return { record: found, via: 'query', requests: count() };
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return { record: null, via: 'query', requests: count() };
}
