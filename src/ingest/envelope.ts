/**
 * One line of a raw object -> what the ingest does with it. An EventBridge envelope of the audit
 * topic whose body is complete becomes rows; one whose body is marked truncated, is missing
 * fields the topic always carries, or does not parse needs its full record fetched
 * (rehydration); anything else is quarantined. Reasons name fields, never values.
 */
import type { DataDefect } from '../errors';
import { isPlainObject, shownId } from '../transform/read-fields';
import { toUtcIso } from '../transform/timestamp';
import { salvageStrings, salvageTopLevelStrings } from './salvage';

export const AUDIT_DETAIL_TYPE = 'v2.audits.entitytype.{id}.entityid.{id}';
const TOPIC = /^v2\.audits\.entitytype\.([^.]+)\.entityid\.(.+)$/;

/**
 * Fields the audit topic carries on every event (the sample and Genesys' schema of the topic):
 * an event without one of them was cut, so its full record is fetched.
 */
export const REQUIRED_TOPIC_FIELDS = ['id', 'eventTime', 'serviceName', 'action', 'entityType', 'entity.id'] as const;

/** What the ingest needs to fetch an event's full record and to file it under its day. */
export interface RehydrationRequest {
  eventId: string;
  /** UTC ISO; the body's eventTime, else the envelope's time (seconds after it). */
  eventTime: string;
  eventTimeKnown: boolean;
  /** From the concrete topic name: present even when the body lost them. */
  entityType: string | null;
  entityId: string | null;
  reason: 'truncated' | 'missing-fields' | 'unparsable' | 'invalid';
  /** Field names only (the missing ones, or the transform's complaint). */
  detail?: string;
}

export type LineVerdict =
  | {
      kind: 'event';
      body: Record<string, unknown>;
      eventId: string;
      eventTime: string;
      entityType: string;
      entityId: string;
    }
  | { kind: 'rehydrate'; request: RehydrationRequest }
  | { kind: 'quarantine'; type: DataDefect; reason: string; record: unknown };

/**
 * JSON.parse of a line. A line that does not parse (Firehose cut it mid-envelope) is rehydrated
 * like a truncated body when its audit id can still be read; otherwise it is quarantined as text.
 */
export function classifyLine(line: string): LineVerdict {
  let envelope: unknown;
  try {
    envelope = JSON.parse(line);
  } catch {
    return classifyCutLine(line);
  }
  return classifyEnvelope(envelope);
}

const CUT_PATHS = [
  'detail-type',
  'time',
  'detail.topicName',
  'detail.timestamp',
  'detail.eventBody.id',
  'detail.eventBody.eventTime',
] as const;

/**
 * The audit id is read only at detail.eventBody.id (never the envelope's own top-level `id`,
 * which is EventBridge's); the entity comes from the topic when it was read before the cut.
 */
function classifyCutLine(line: string): LineVerdict {
  const s = salvageStrings(line, CUT_PATHS);
  const notJson: LineVerdict = { kind: 'quarantine', type: 'not_json', reason: 'line is not JSON', record: line };
  if (s['detail-type'] !== undefined && s['detail-type'] !== AUDIT_DETAIL_TYPE) return notJson;
  if (s['detail.eventBody.id'] === undefined) return notJson;
  const topic = s['detail.topicName'] === undefined ? null : TOPIC.exec(s['detail.topicName']);
  const arrival = [s['detail.timestamp'], s.time]
    .map((t) => (t === undefined ? undefined : toUtcIso(t)))
    .find((t) => t !== undefined);
  return rehydrateOrQuarantine(
    s['detail.eventBody.id'],
    s['detail.eventBody.eventTime'],
    arrival,
    topic ? topic[1] : null,
    topic ? topic[2] : null,
    'truncated',
    undefined,
    line,
  );
}

export function classifyEnvelope(envelope: unknown): LineVerdict {
  const bad = (reason: string): LineVerdict => ({
    kind: 'quarantine',
    type: 'invalid',
    reason: `EventBridge envelope: ${reason}`,
    record: envelope,
  });
  if (!isPlainObject(envelope)) return bad('expected a JSON object');
  if (envelope['detail-type'] !== AUDIT_DETAIL_TYPE) {
    return bad(
      typeof envelope['detail-type'] === 'string'
        ? 'detail-type is not the audit topic'
        : 'field detail-type: expected a string',
    );
  }
  const detail = envelope.detail;
  if (!isPlainObject(detail)) return bad('field detail: expected an object');
  const topic = typeof detail.topicName === 'string' ? TOPIC.exec(detail.topicName) : null;
  if (!topic) return bad('field detail.topicName: expected v2.audits.entitytype.<type>.entityid.<id>');
  const entityType = topic[1];
  const entityId = topic[2];
  const arrival = envelopeTime(envelope, detail);

  let body: unknown = detail.eventBody;
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      const salvaged = salvageTopLevelStrings(text, ['id', 'eventTime']);
      return rehydrateOrQuarantine(
        salvaged.id,
        salvaged.eventTime,
        arrival,
        entityType,
        entityId,
        'unparsable',
        undefined,
        envelope,
      );
    }
  }
  if (!isPlainObject(body)) return bad('field detail.eventBody: expected an object or its JSON text');
  const id = typeof body.id === 'string' ? body.id : undefined;
  const time = typeof body.eventTime === 'string' ? body.eventTime : undefined;
  if (detail.truncated === true)
    return rehydrateOrQuarantine(id, time, arrival, entityType, entityId, 'truncated', undefined, envelope);
  const missing = REQUIRED_TOPIC_FIELDS.filter((f) => !hasField(body as Record<string, unknown>, f));
  if (missing.length > 0)
    return rehydrateOrQuarantine(
      id,
      time,
      arrival,
      entityType,
      entityId,
      'missing-fields',
      missing.join(', '),
      envelope,
    );
  const eventTime = toUtcIso(time!);
  if (eventTime === undefined)
    return rehydrateOrQuarantine(id, undefined, arrival, entityType, entityId, 'invalid', 'eventTime', envelope);
  return { kind: 'event', body, eventId: id!, eventTime, entityType, entityId };
}

function hasField(body: Record<string, unknown>, path: string): boolean {
  let value: unknown = body;
  for (const part of path.split('.')) {
    if (!isPlainObject(value)) return false;
    value = value[part];
  }
  return typeof value === 'string' ? value !== '' : value !== undefined && value !== null;
}

/** When the envelope says the event reached EventBridge (a few seconds after eventTime). */
function envelopeTime(envelope: Record<string, unknown>, detail: Record<string, unknown>): string | undefined {
  for (const t of [detail.timestamp, envelope.time]) {
    const iso = typeof t === 'string' ? toUtcIso(t) : undefined;
    if (iso !== undefined) return iso;
  }
  return undefined;
}

function rehydrateOrQuarantine(
  id: string | undefined,
  time: string | undefined,
  arrival: string | undefined,
  entityType: string | null,
  entityId: string | null,
  reason: RehydrationRequest['reason'],
  detail: string | undefined,
  envelope: unknown,
): LineVerdict {
  // Only a UUID is trusted as an audit id (it goes into workflow ids and history).
  const eventId = id === undefined ? undefined : shownId(id);
  const bodyTime = time === undefined ? undefined : toUtcIso(time);
  const eventTime = bodyTime ?? arrival;
  if (eventId === undefined || eventTime === undefined) {
    const what = eventId === undefined ? 'no audit id (a UUID) to fetch it by' : 'no time to look for it at';
    return {
      kind: 'quarantine',
      type: 'invalid',
      reason: `EventBridge envelope: eventBody ${reason}${detail ? ` (${detail})` : ''} and ${what}`,
      record: envelope,
    };
  }
  const request: RehydrationRequest = {
    eventId,
    eventTime,
    eventTimeKnown: bodyTime !== undefined,
    entityType,
    entityId,
    reason,
  };
  if (detail !== undefined) request.detail = detail;
  return { kind: 'rehydrate', request };
}
