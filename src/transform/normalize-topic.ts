/**
 * The topic eventBody (EventBridge, v2.audits.entitytype.{id}.entityid.{id}) -> CanonicalEvent.
 * The topic has no status, application, initiatingAction or entityChanges: those stay null or
 * absent. Fields without a column go to `extra` as in normalize-api.ts (see TOPIC_FIELDS).
 */
import { InvalidDataError } from '../errors';
import type { CanonicalEvent } from '../model/canonical';
import {
  RawRecord,
  eventTimeOf,
  isPlainObject,
  joinedIps,
  optionalObject,
  optionalString,
  propertyChanges,
  recordAndId,
  rest,
  setField,
} from './read-fields';

const CLIENT_COLUMNS = ['id'];
const ENTITY_COLUMNS = ['id', 'name'];

export function normalizeTopic(raw: unknown): CanonicalEvent {
  const { record, id } = recordAndId(raw);
  const username = optionalObject(record.username, 'username', id);
  const client = optionalObject(record.clientId, 'clientId', id);
  const entity = optionalObject(record.entity, 'entity', id);
  const { changes, residue } = propertyChanges(record.propertyChanges, id);

  // The topic names the user twice (userId and username.id, userDisplay and username.name);
  // the sample carries `username: {"id": ""}` beside a real userId.
  const usernameId = optionalString(username?.id, 'username.id', id);
  const usernameName = optionalString(username?.name, 'username.name', id);
  const userDisplay = optionalString(record.userDisplay, 'userDisplay', id);
  const userId = optionalString(record.userId, 'userId', id) ?? usernameId;
  const userName = usernameName ?? userDisplay;

  const event: CanonicalEvent = {
    eventId: id,
    eventTime: eventTimeOf(record.eventTime, 'eventTime', id),
    serviceName: optionalString(record.serviceName, 'serviceName', id),
    level: optionalString(record.level, 'level', id),
    action: optionalString(record.action, 'action', id),
    status: null,
    entityType: optionalString(record.entityType, 'entityType', id),
    entityId: optionalString(entity?.id, 'entity.id', id),
    entityName: optionalString(entity?.name, 'entity.name', id),
    userId,
    userName,
    clientId: optionalString(client?.id, 'clientId.id', id),
    remoteIp: joinedIps(record.remoteIp, 'remoteIp', id),
    transactionId: null,
    source: 'stream',
    propertyChanges: changes,
    extra: {},
  };

  const extra: RawRecord = event.extra;
  for (const key in record) {
    switch (key) {
      case 'id':
      case 'userId':
      case 'eventTime':
      case 'serviceName':
      case 'level':
      case 'action':
      case 'entityType':
      case 'remoteIp':
        break;
      case 'userDisplay':
        // Kept only when it says something the user_name column does not.
        if (userDisplay !== null && userDisplay !== userName) extra.userDisplay = userDisplay;
        break;
      case 'username': {
        const taken = usernameId === null || usernameId === userId ? ['id', 'name'] : ['name'];
        const left = rest(username, taken);
        if (left !== undefined) extra.username = left;
        break;
      }
      case 'propertyChanges':
        if (residue !== undefined) extra.propertyChanges = residue;
        break;
      case 'clientId': {
        const left = rest(client, CLIENT_COLUMNS);
        if (left !== undefined) extra.clientId = left;
        break;
      }
      case 'entity': {
        const left = rest(entity, ENTITY_COLUMNS);
        if (left !== undefined) extra.entity = left;
        break;
      }
      default:
        setField(extra, key, record[key]);
    }
  }
  return event;
}

/** The eventBody of an EventBridge envelope as Firehose writes it (one JSON object per line). */
export function eventBodyOf(envelope: unknown): unknown {
  const detail = isPlainObject(envelope) ? envelope.detail : undefined;
  const body = isPlainObject(detail) ? detail.eventBody : undefined;
  if (!isPlainObject(body)) throw new InvalidDataError('EventBridge event: field detail.eventBody: expected an object');
  return body;
}
