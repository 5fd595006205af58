/**
 * AuditLogMessage (audit query API) -> CanonicalEvent. Fields without a column go to `extra`
 * under their original names and nesting (see API_FIELDS in schema.ts); minimization and masking
 * come later. Values in `extra` are the raw record's own objects, not copies: later steps copy
 * on write, so the raw record is never modified.
 */
import type { CanonicalEvent } from '../model/canonical';
import {
  RawRecord,
  eventTimeOf,
  joinedIps,
  optionalObject,
  optionalString,
  propertyChanges,
  recordAndId,
  rest,
  setField,
} from './read-fields';

const USER_COLUMNS = ['id', 'name'];
const CLIENT_COLUMNS = ['id'];
const ENTITY_COLUMNS = ['id', 'name'];
const INITIATING_COLUMNS = ['transactionId'];

export function normalizeApi(raw: unknown): CanonicalEvent {
  const { record, id } = recordAndId(raw);
  const user = optionalObject(record.user, 'user', id);
  const client = optionalObject(record.client, 'client', id);
  const entity = optionalObject(record.entity, 'entity', id);
  const initiating = optionalObject(record.initiatingAction, 'initiatingAction', id);
  const { changes, residue } = propertyChanges(record.propertyChanges, id);

  const event: CanonicalEvent = {
    eventId: id,
    eventTime: eventTimeOf(record.eventDate, 'eventDate', id),
    serviceName: optionalString(record.serviceName, 'serviceName', id),
    level: optionalString(record.level, 'level', id),
    action: optionalString(record.action, 'action', id),
    status: optionalString(record.status, 'status', id),
    entityType: optionalString(record.entityType, 'entityType', id),
    entityId: optionalString(entity?.id, 'entity.id', id),
    entityName: optionalString(entity?.name, 'entity.name', id),
    userId: optionalString(user?.id, 'user.id', id),
    userName: optionalString(user?.name, 'user.name', id),
    clientId: optionalString(client?.id, 'client.id', id),
    remoteIp: joinedIps(record.remoteIp, 'remoteIp', id),
    transactionId: optionalString(initiating?.transactionId, 'initiatingAction.transactionId', id),
    source: 'api',
    propertyChanges: changes,
    extra: {},
  };

  // In the record's own key order, so the same record always gives the same extra text.
  const extra: RawRecord = event.extra;
  for (const key in record) {
    switch (key) {
      case 'id':
      case 'eventDate':
      case 'serviceName':
      case 'level':
      case 'action':
      case 'status':
      case 'entityType':
      case 'remoteIp':
        break;
      case 'propertyChanges':
        if (residue !== undefined) extra.propertyChanges = residue;
        break;
      case 'user':
        putDefined(extra, key, rest(user, USER_COLUMNS));
        break;
      case 'client':
        putDefined(extra, key, rest(client, CLIENT_COLUMNS));
        break;
      case 'entity':
        putDefined(extra, key, rest(entity, ENTITY_COLUMNS));
        break;
      case 'initiatingAction':
        putDefined(extra, key, rest(initiating, INITIATING_COLUMNS));
        break;
      default:
        setField(extra, key, record[key]);
    }
  }
  return event;
}

function putDefined(extra: RawRecord, key: string, value: RawRecord | undefined): void {
  if (value !== undefined) extra[key] = value;
}
