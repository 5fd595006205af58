/**
 * CanonicalEvent -> lake rows: one per property change, or one row with change_index 0 and null
 * property/values for an event without changes. On the hot path: the event's strings are shared
 * by its rows, and `extra` is serialized once per event.
 */
import type { CanonicalEvent, LakeRow } from '../model/canonical';

export function flatten(event: CanonicalEvent, into: LakeRow[] = []): LakeRow[] {
  const extra = extraText(event.extra);
  const changes = event.propertyChanges;
  if (changes.length === 0) {
    into.push(row(event, extra, 0, null, null, null));
    return into;
  }
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i];
    into.push(row(event, extra, i, change.property, valueText(change.oldValues), valueText(change.newValues)));
  }
  return into;
}

/** The single value as is, several as a JSON array, none as null. */
export function valueText(values: readonly string[]): string | null {
  if (values.length === 0) return null;
  if (values.length === 1) return values[0];
  return JSON.stringify(values);
}

function extraText(extra: Record<string, unknown>): string | null {
  for (const _key in extra) return JSON.stringify(extra);
  return null;
}

// One object literal with every column in LAKE_COLUMNS order, so all rows share one hidden class.
function row(
  e: CanonicalEvent,
  extra: string | null,
  changeIndex: number,
  property: string | null,
  oldValue: string | null,
  newValue: string | null,
): LakeRow {
  return {
    event_id: e.eventId,
    event_time: e.eventTime,
    service_name: e.serviceName,
    level: e.level,
    action: e.action,
    status: e.status,
    entity_type: e.entityType,
    entity_id: e.entityId,
    entity_name: e.entityName,
    user_id: e.userId,
    user_name: e.userName,
    client_id: e.clientId,
    remote_ip: e.remoteIp,
    transaction_id: e.transactionId,
    change_index: changeIndex,
    property,
    old_value: oldValue,
    new_value: newValue,
    source: e.source,
    extra,
  };
}
