/**
 * The source fields this version knows, per source shape: which map to a lake column and which
 * have none (they go to `extra`). Normalization, minimization and the nightly schema recrawl
 * read these trees, so a field Genesys adds later is recognized as new in one place.
 */
import type { EventSource } from '../model/canonical';

/**
 * `column`: mapped to a lake column. Whatever of it still shows up in `extra` is a residue that
 * did not fit the column (a second, different user id, say) and is kept like an unknown field.
 * `extra`: known, no column; kept in `extra` only when on the allowlist (see minimize.ts).
 * An object lists the known subfields of an object; its `[]` entry describes array items.
 */
export type KnownField = 'column' | 'extra' | KnownFields;
export interface KnownFields {
  readonly [field: string]: KnownField;
}

const MESSAGE: KnownFields = {
  localizableMessageCode: 'extra',
  message: 'extra',
  messageWithParams: 'extra',
  messageParams: 'extra',
};

const PROPERTY_CHANGES: KnownFields = { '[]': { property: 'column', oldValues: 'column', newValues: 'column' } };

/** AuditLogMessage (audit query API: async query, realtime, related). */
export const API_FIELDS: KnownFields = {
  id: 'column',
  userHomeOrgId: 'extra',
  user: { id: 'column', name: 'column', selfUri: 'extra' },
  client: { id: 'column', selfUri: 'extra' },
  remoteIp: 'column',
  serviceName: 'column',
  level: 'column',
  eventDate: 'column',
  message: MESSAGE,
  action: 'column',
  entity: { id: 'column', name: 'column', selfUri: 'extra' },
  entityType: 'column',
  status: 'column',
  application: 'extra',
  initiatingAction: { transactionId: 'column', actionContext: 'extra' },
  transactionInitiator: 'extra',
  propertyChanges: PROPERTY_CHANGES,
  context: 'extra',
  entityChanges: {
    '[]': { entityId: 'extra', entityName: 'extra', entityType: 'extra', oldValues: 'extra', newValues: 'extra' },
  },
};

/** The topic eventBody of v2.audits.entitytype.{id}.entityid.{id} (EventBridge). */
export const TOPIC_FIELDS: KnownFields = {
  id: 'column',
  userId: 'column',
  userHomeOrgId: 'extra',
  username: { id: 'column', name: 'column', selfUri: 'extra' },
  userDisplay: 'column',
  clientId: { id: 'column', selfUri: 'extra' },
  remoteIp: 'column',
  serviceName: 'column',
  level: 'column',
  eventTime: 'column',
  message: MESSAGE,
  action: 'column',
  entityType: 'column',
  entity: { id: 'column', name: 'column', selfUri: 'extra' },
  propertyChanges: PROPERTY_CHANGES,
  context: 'extra',
};

export function knownFields(source: EventSource): KnownFields {
  return source === 'api' ? API_FIELDS : TOPIC_FIELDS;
}

/**
 * Dotted paths of the fields of a raw record that this version does not know (array items add
 * no path segment: `propertyChanges.reason`). Leaves and maps such as `context` are opaque:
 * their keys are data, not schema. For the nightly schema recrawl.
 */
export function unknownFields(record: unknown, source: EventSource): string[] {
  const found = new Set<string>();
  collectUnknown(record, knownFields(source), '', found);
  return [...found].sort();
}

function collectUnknown(value: unknown, known: KnownFields, prefix: string, found: Set<string>): void {
  if (Array.isArray(value)) {
    const items = known['[]'];
    if (typeof items === 'object') for (const item of value) collectUnknown(item, items, prefix, found);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const key of Object.keys(value)) {
    const path = prefix + key;
    const sub = Object.hasOwn(known, key) && key !== '[]' ? known[key] : undefined;
    if (sub === undefined) found.add(path);
    else if (typeof sub === 'object') collectUnknown((value as Record<string, unknown>)[key], sub, `${path}.`, found);
  }
}
