import { randomBytes, randomUUID } from 'node:crypto';
import { DAY_MS, SimClock, dayNumber } from './clock';
import { DayStore } from './day-store';
import { ApiError, MALFORMED, badRequest, notFound } from './errors-body';
import { SimEvent, eventJson } from './event';
import { FaultDice, Faults } from './faults';
import { Interval, parseInterval } from './interval';

export const FILTER_PROPERTIES = [
  'UserId',
  'TrusteeOrganizationId',
  'ClientId',
  'Action',
  'EntityType',
  'EntityId',
] as const;
type FilterProperty = (typeof FILTER_PROPERTIES)[number];
export interface QueryFilter {
  property: FilterProperty;
  value: string;
}
export interface QuerySort {
  name: 'Timestamp';
  sortOrder: 'ascending' | 'descending';
}

interface QuerySpec {
  interval: Interval;
  intervalText: string;
  serviceName?: string;
  filters?: QueryFilter[];
  sort?: QuerySort[];
}

export type QueryState = 'Queued' | 'Running' | 'Succeeded' | 'Failed' | 'Cancelled';

interface AsyncQuery {
  id: string;
  spec: QuerySpec;
  submittedAt: number;
  polls: number;
  pollsToComplete: number;
  fails: boolean;
  results?: SimEvent[];
}

export interface EngineOptions {
  /** Status polls until Succeeded (1: the first poll already succeeds). */
  queryPollsToComplete: number;
  /** Days of data the API still serves. */
  retentionDays: number;
  /** Days the realtime endpoints cover. */
  realtimeDays: number;
  /** Above this page size in bytes, allowRedirect=true answers 302 with a download URL. */
  redirectThresholdBytes: number;
  /** Above this, a page is refused with 400 response.entity.too.large (unless redirected). */
  maxResponseBytes: number;
}

export type ResultsAnswer =
  { status: 200; json: string; events: number } | { status: 302; json: string; downloadToken: string };

const REQUEST_FIELDS: Record<string, string[]> = {
  AuditQueryRequest: ['interval', 'serviceName', 'filters', 'sort'],
  AuditRealtimeQueryRequest: ['interval', 'serviceName', 'filters', 'sort', 'pageNumber', 'pageSize'],
  AuditRealtimeRelatedRequest: ['auditId', 'trustorOrgId', 'sort'],
};

function asObject(body: unknown, type: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(MALFORMED);
  for (const key of Object.keys(body)) {
    if (!REQUEST_FIELDS[type].includes(key))
      throw badRequest(`Value [${key}] is not a valid property for object [${type}]`, 'invalid.property');
  }
  return body as Record<string, unknown>;
}

function parseSort(value: unknown): QuerySort[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw badRequest(MALFORMED);
  return value.map((s: unknown) => {
    const o = s as Record<string, unknown> | null;
    if (!o || o.name !== 'Timestamp')
      throw badRequest(
        `Value [${String(o?.name)}] is not valid for field type [AuditQuerySort.name]. Allowable values are: Timestamp`,
        'invalid.value',
      );
    if (o.sortOrder !== 'ascending' && o.sortOrder !== 'descending') {
      throw badRequest(
        `Value [${String(o.sortOrder)}] is not valid for field type [AuditQuerySort.sortOrder]. Allowable values are: ascending, descending`,
        'invalid.value',
      );
    }
    return { name: 'Timestamp', sortOrder: o.sortOrder };
  });
}

function parseSpec(o: Record<string, unknown>): QuerySpec {
  const interval = parseInterval(o.interval);
  if (o.serviceName !== undefined && o.serviceName !== null && typeof o.serviceName !== 'string')
    throw badRequest(MALFORMED);
  let filters: QueryFilter[] | undefined;
  if (o.filters !== undefined && o.filters !== null) {
    if (!Array.isArray(o.filters)) throw badRequest(MALFORMED);
    filters = o.filters.map((f: unknown) => {
      const x = f as Record<string, unknown> | null;
      if (!x || !FILTER_PROPERTIES.includes(x.property as FilterProperty)) {
        throw badRequest(
          `Value [${String(x?.property)}] is not valid for field type [AuditQueryFilter.property]. Allowable values are: ${FILTER_PROPERTIES.join(', ')}`,
          'invalid.value',
        );
      }
      if (typeof x.value !== 'string') throw badRequest('filters.value: may not be null', 'constraint.validation');
      return { property: x.property as FilterProperty, value: x.value };
    });
  }
  return {
    interval,
    intervalText: o.interval as string,
    serviceName: (o.serviceName as string | undefined) || undefined,
    filters,
    sort: parseSort(o.sort),
  };
}

function matches(e: SimEvent, f: QueryFilter): boolean {
  switch (f.property) {
    case 'UserId':
      return e.userId === f.value;
    case 'TrusteeOrganizationId':
      return e.homeOrgId === f.value;
    case 'ClientId':
      return e.clientId === f.value;
    case 'Action':
      return e.action === f.value;
    case 'EntityType':
      return e.entityType === f.value;
    case 'EntityId':
      return e.entityId === f.value;
  }
}

const descending = (sort?: QuerySort[]) => sort?.[0]?.sortOrder === 'descending';

function parsePageSize(raw: string | null, fallback: number): number {
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 500) {
    throw badRequest(
      `Value [${raw}] is not valid for parameter [pageSize]. Allowable values are: 1-500`,
      'invalid.query.param.value',
    );
  }
  return n;
}

/**
 * The audit query service: async queries (submit, poll, page through results with a cursor),
 * realtime queries (last 14 days, page numbers) and related audits. What a query returns is
 * what existed at submission time: events older than the retention, in the future, or not yet
 * visible (late arrivals) are left out.
 */
export class AuditQueryService {
  private readonly queries = new Map<string, AsyncQuery>();
  private readonly downloads = new Map<string, { json: string; expiresAt: number }>();
  duplicatesServed = 0;

  constructor(
    private readonly store: DayStore,
    private readonly clock: SimClock,
    readonly options: EngineOptions,
    private readonly faults: () => Faults,
    private readonly dice: FaultDice,
  ) {}

  /** The events a query covers, as of `asOf`, in the requested order. */
  select(spec: Omit<QuerySpec, 'intervalText'>, asOf: number): SimEvent[] {
    const lateShare = this.faults().lateEventShare;
    const oldest = asOf - this.options.retentionDays * DAY_MS;
    const from = Math.max(spec.interval.start, oldest);
    const to = Math.min(spec.interval.end, asOf + 1);
    const out: SimEvent[] = [];
    if (from >= to) return out;
    for (let d = dayNumber(from); d <= dayNumber(to - 1); d++) {
      for (const e of this.store.get(d).events) {
        if (e.time < from || e.time >= to) continue;
        if (lateShare > 0 && e.lateRoll < lateShare && e.time + e.lateDelayMs > asOf) continue;
        if (spec.serviceName && e.serviceName !== spec.serviceName) continue;
        if (spec.filters && !spec.filters.every((f) => matches(e, f))) continue;
        out.push(e);
      }
    }
    if (descending(spec.sort)) out.reverse();
    return out;
  }

  submit(body: unknown): { status: 202; body: Record<string, unknown> } {
    const spec = parseSpec(asObject(body, 'AuditQueryRequest'));
    const f = this.faults();
    const q: AsyncQuery = {
      id: randomUUID(),
      spec,
      submittedAt: this.clock.nowMs(),
      polls: 0,
      pollsToComplete: Math.max(1, this.options.queryPollsToComplete + f.slowQueryExtraPolls),
      fails: this.dice.roll(f.failedQueryShare),
    };
    this.queries.set(q.id, q);
    if (this.queries.size > 1000) this.queries.delete(this.queries.keys().next().value as string);
    return { status: 202, body: this.statusBody(q, 'Queued') };
  }

  status(id: string): { status: 200 | 202; body: Record<string, unknown> } {
    const q = this.queries.get(id);
    if (!q) throw notFound();
    q.polls++;
    const state = this.state(q);
    return { status: state === 'Succeeded' || state === 'Failed' ? 200 : 202, body: this.statusBody(q, state) };
  }

  private state(q: AsyncQuery): QueryState {
    if (q.polls >= q.pollsToComplete) return q.fails ? 'Failed' : 'Succeeded';
    return q.polls === 1 && q.pollsToComplete > 2 ? 'Queued' : q.polls === 0 ? 'Queued' : 'Running';
  }

  private statusBody(q: AsyncQuery, state: QueryState): Record<string, unknown> {
    const body: Record<string, unknown> = {
      id: q.id,
      state,
      startDate: new Date(q.submittedAt).toISOString(),
      interval: q.spec.intervalText,
    };
    if (q.spec.serviceName) body.serviceName = q.spec.serviceName;
    if (q.spec.filters) body.filters = q.spec.filters;
    if (q.spec.sort) body.sort = q.spec.sort;
    return body;
  }

  results(id: string, params: URLSearchParams, downloadBase: string): ResultsAnswer {
    const q = this.queries.get(id);
    if (!q) throw notFound();
    const state = this.state(q);
    if (state === 'Failed') throw new ApiError(409, 'request.conflict', 'The audit query failed; submit it again.');
    if (state !== 'Succeeded')
      throw new ApiError(
        409,
        'request.conflict',
        `The audit query is ${state}; poll its status until it is Succeeded.`,
      );
    const pageSize = parsePageSize(params.get('pageSize'), 25);
    const expand = [...params.getAll('expand'), ...params.getAll('expand[]')]
      .flatMap((v) => v.split(','))
      .includes('user');
    const allowRedirect = params.get('allowRedirect') === 'true';
    q.results ??= this.select(q.spec, q.submittedAt);

    let offset = 0;
    const cursor = params.get('cursor');
    if (cursor) offset = this.decodeCursor(cursor, q.id);
    const page = q.results.slice(offset, offset + pageSize);
    let next = offset + page.length;
    let nextCursor: string | undefined;
    if (next < q.results.length) {
      // Fault: the next page starts one event early, so its first event repeats this page's last.
      if (pageSize > 1 && this.dice.roll(this.faults().duplicateAcrossPagesShare)) {
        next -= 1;
        this.duplicatesServed++;
      }
      nextCursor = Buffer.from(`${q.id}|${next}`).toString('base64url');
    }

    const head = `{"id":${JSON.stringify(q.id)},"pageSize":${pageSize}${nextCursor ? `,"cursor":"${nextCursor}"` : ''},"entities":[`;
    let bytes = 0;
    const parts: string[] = new Array<string>(page.length);
    for (let i = 0; i < page.length; i++) {
      parts[i] = eventJson(page[i], expand);
      bytes += parts[i].length;
    }
    if (allowRedirect && bytes > this.options.redirectThresholdBytes) {
      // Like a presigned S3 URL: the download is not expanded and needs no token.
      const token = randomBytes(18).toString('base64url');
      const plain = page.map((e) => eventJson(e, false)).join(',');
      this.downloads.set(token, { json: `${head}${plain}]}`, expiresAt: Date.now() + 15 * 60_000 });
      if (this.downloads.size > 200) this.downloads.delete(this.downloads.keys().next().value as string);
      const large: Record<string, unknown> = { id: q.id, pageSize };
      if (nextCursor) large.cursor = nextCursor;
      large.downloadUrl = `${downloadBase}/_sim/download/${token}`;
      return { status: 302, json: JSON.stringify(large), downloadToken: token };
    }
    if (bytes > this.options.maxResponseBytes) {
      throw badRequest(
        'The response is over the size limit. Reduce pageSize or expand list to reduce response size if applicable',
        'response.entity.too.large',
      );
    }
    return { status: 200, json: `${head}${parts.join(',')}]}`, events: page.length };
  }

  download(token: string): string | undefined {
    const d = this.downloads.get(token);
    if (!d || d.expiresAt < Date.now()) return undefined;
    return d.json;
  }

  private decodeCursor(cursor: string, queryId: string): number {
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    const [id, offset] = text.split('|');
    const n = Number(offset);
    if (id !== queryId || !Number.isInteger(n) || n < 0) {
      throw badRequest(
        `Value [${cursor}] is not valid for parameter [cursor]. Allowable values are: a cursor from the previous page`,
        'invalid.query.param.value',
      );
    }
    return n;
  }

  private realtimeWindow(): { oldest: number; now: number } {
    const now = this.clock.nowMs();
    return { now, oldest: now - this.options.realtimeDays * DAY_MS };
  }

  realtime(body: unknown, expand: boolean): { json: string; events: number } {
    const o = asObject(body, 'AuditRealtimeQueryRequest');
    const spec = parseSpec(o);
    const { now, oldest } = this.realtimeWindow();
    if (spec.interval.start < oldest - 60_000) {
      throw badRequest(
        `Realtime audit queries cover only the last ${this.options.realtimeDays} days; the interval must start after ${new Date(oldest).toISOString()}`,
      );
    }
    const pageNumber = o.pageNumber === undefined ? 1 : Number(o.pageNumber);
    const pageSize = o.pageSize === undefined ? 25 : Number(o.pageSize);
    if (!Number.isInteger(pageNumber) || pageNumber < 1)
      throw badRequest(
        `Value [${String(o.pageNumber)}] is not valid for field type [pageNumber]. Allowable values are: 1 or more`,
        'invalid.value',
      );
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500)
      throw badRequest(
        `Value [${String(o.pageSize)}] is not valid for field type [pageSize]. Allowable values are: 1-500`,
        'invalid.value',
      );
    const all = this.select(spec, now);
    const page = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    const json = `{"entities":[${page.map((e) => eventJson(e, expand)).join(',')}],"pageSize":${pageSize},"pageNumber":${pageNumber},"total":${all.length},"pageCount":${Math.ceil(all.length / pageSize)}}`;
    return { json, events: page.length };
  }

  related(body: unknown, expand: boolean): { json: string; events: number } {
    const o = asObject(body, 'AuditRealtimeRelatedRequest');
    if (typeof o.auditId !== 'string' || o.auditId === '')
      throw badRequest('auditId: may not be null', 'constraint.validation');
    const sort = parseSort(o.sort);
    const { now, oldest } = this.realtimeWindow();
    const lateShare = this.faults().lateEventShare;
    const visible = (e: SimEvent) =>
      e.time >= oldest && e.time <= now && !(lateShare > 0 && e.lateRoll < lateShare && e.time + e.lateDelayMs > now);
    const found = this.store.find(o.auditId, dayNumber(oldest), dayNumber(now));
    let group: SimEvent[] = [];
    if (found && visible(found)) {
      group = found.transactionId
        ? (this.store.get(found.day).byTransaction.get(found.transactionId) ?? [found]).filter(visible)
        : [found];
    }
    if (descending(sort)) group = [...group].reverse();
    return { json: `{"entities":[${group.map((e) => eventJson(e, expand)).join(',')}]}`, events: group.length };
  }
}
