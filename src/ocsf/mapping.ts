/**
 * Genesys Cloud audit events as OCSF 1.1 events: which class each lands in and how every field
 * maps (docs/OCSF.md is the same table for people). Pure: one lake event in, one OCSF event out.
 * What has no OCSF home goes in `unmapped` (a string map, one key per field), never dropped.
 */
import type { CanonicalEvent } from '../model/canonical';
import { OCSF_CLASSES, OCSF_PROFILES, OCSF_VERSION, OcsfClass, OcsfClassName } from './classes';

/**
 * A sealed lake event, its rows folded back into one event (property changes in change order):
 * the canonical event's columns, as the lake stores them.
 */
export interface OcsfSourceEvent extends Omit<CanonicalEvent, 'source' | 'propertyChanges' | 'extra'> {
  source: string;
  changes: Array<{ property: string | null; oldValue: string | null; newValue: string | null }>;
  /** JSON text of the event's other source fields (the lake's `extra`), or null. */
  extra: string | null;
}

export interface MapContext {
  /** The org label of the lake (cloud.account.uid). */
  org: string;
  /** Genesys Cloud region of the org (cloud.region), when configured. */
  genesysRegion?: string;
}

export type OcsfEvent = Record<string, unknown>;

export interface MappedEvent {
  className: OcsfClassName;
  event: OcsfEvent;
}

/** Authentication (3002): sign-in and sign-out of a user. */
const AUTH_ACTIVITY: Record<string, { id: number; failed?: boolean }> = {
  Authenticate: { id: 1 },
  AuthenticationFailed: { id: 1, failed: true },
  SingleLogout: { id: 2 },
  SingleLogoutFailed: { id: 2, failed: true },
};
const AUTH_NAMES: Record<number, string> = { 1: 'Logon', 2: 'Logoff' };

/** Account Change (3001): a user account's lifecycle and credentials. */
const ACCOUNT_ACTIVITY: Record<string, number> = {
  Create: 1,
  Enable: 2,
  Activate: 2,
  ChangePassword: 3,
  ResetPassword: 4,
  Disable: 5,
  Deactivate: 5,
  Delete: 6,
};
const ACCOUNT_NAMES: Record<number, string> = {
  1: 'Create',
  2: 'Enable',
  3: 'Password Change',
  4: 'Password Reset',
  5: 'Disable',
  6: 'Delete',
};
/** Entity types that are user accounts (Directory and SCIM users; AuthUser only for its credential actions). */
const ACCOUNT_ENTITY_TYPES = new Set(['User']);

/** Entity Management (3004) and API Activity (6003) share create/read/update/delete. */
const CRUD_ACTIVITY: Record<string, number> = {
  Create: 1,
  View: 2,
  Read: 2,
  ReadAll: 2,
  Update: 3,
  Delete: 4,
  DeleteAll: 4,
};
const CRUD_NAMES: Record<number, string> = { 1: 'Create', 2: 'Read', 3: 'Update', 4: 'Delete' };
/** Actions on data rather than on a configuration object: they go to API Activity. */
const DATA_ACTIONS = new Set([
  'Download',
  'Export',
  'Upload',
  'Execute',
  'Write',
  'Fax',
  'Transcode',
  'DownloadCapture',
  'EnableCapture',
  'Append',
  'Receive',
]);
const API_READS = new Set(['View', 'Read', 'ReadAll', 'Download', 'Export', 'DownloadCapture']);

const SEVERITY = { id: 1, name: 'Informational' } as const;

/** The class an event lands in: the first rule that holds (docs/OCSF.md, "Which class"). */
export function ocsfClassOf(
  e: Pick<OcsfSourceEvent, 'action' | 'entityType' | 'entityId' | 'entityName' | 'userId' | 'userName' | 'serviceName'>,
): OcsfClassName {
  const action = e.action ?? '';
  const hasEntity = !!(e.entityId || e.entityName);
  if (e.entityType === 'AuthUser' && action in AUTH_ACTIVITY && (e.userId || e.userName || hasEntity))
    return 'authentication';
  if (hasEntity && (ACCOUNT_ENTITY_TYPES.has(e.entityType ?? '') || action === 'ChangePassword'))
    return 'accountChange';
  if (hasEntity && e.entityType && !DATA_ACTIONS.has(action)) return 'entityManagement';
  return 'apiActivity';
}

export function mapEvent(e: OcsfSourceEvent, ctx: MapContext): MappedEvent {
  const className = ocsfClassOf(e);
  const cls: OcsfClass = OCSF_CLASSES[className];
  const action = e.action ?? '';
  const unmapped: Record<string, string> = {};
  const put = (key: string, value: string | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') unmapped[key] = value;
  };
  put('level', e.level);
  put('source', e.source);
  put('service_name', e.serviceName);
  put('action', e.action);
  put('entity_type', e.entityType);

  const { message, rest } = splitExtra(e.extra);
  if (rest) unmapped.extra = rest;

  const ips = (e.remoteIp ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // Entity Management has no src_endpoint in OCSF 1.1; the other classes take the first address.
  if (ips.length > 1 || (ips.length > 0 && className === 'entityManagement')) unmapped.remote_ip = e.remoteIp!;

  let activityId: number;
  let activityName: string;
  let failedAction = false;
  const specific: OcsfEvent = {};
  const changesJson = e.changes.length ? JSON.stringify(e.changes) : null;

  switch (className) {
    case 'authentication': {
      const a = AUTH_ACTIVITY[action];
      activityId = a.id;
      activityName = AUTH_NAMES[a.id];
      failedAction = !!a.failed;
      specific.user = user(e.userId ?? e.entityId, e.userName ?? e.entityName);
      // The service signed in to (OCSF 1.1 wants it, or a destination endpoint).
      specific.service = { name: 'Genesys Cloud', uid: ctx.org };
      put('property_changes', changesJson);
      break;
    }
    case 'accountChange': {
      activityId = ACCOUNT_ACTIVITY[action] ?? 99;
      activityName = ACCOUNT_NAMES[activityId] ?? action;
      specific.user = user(e.entityId, e.entityName);
      put('property_changes', changesJson);
      break;
    }
    case 'entityManagement': {
      activityId = CRUD_ACTIVITY[action] ?? 99;
      activityName = CRUD_NAMES[activityId] ?? action;
      const entity = { uid: e.entityId ?? undefined, name: e.entityName ?? undefined, type: e.entityType ?? undefined };
      specific.entity = {
        ...entity,
        data: changesJson
          ? JSON.stringify(e.changes.map((c) => ({ property: c.property, value: c.oldValue })))
          : undefined,
      };
      if (changesJson)
        specific.entity_result = {
          ...entity,
          data: JSON.stringify(e.changes.map((c) => ({ property: c.property, value: c.newValue }))),
        };
      break;
    }
    case 'apiActivity': {
      activityId = API_READS.has(action) ? 2 : (CRUD_ACTIVITY[action] ?? 99);
      activityName = CRUD_NAMES[activityId] ?? (action || 'Other');
      if (e.entityId || e.entityName || e.entityType) {
        specific.resources = [
          { uid: e.entityId ?? undefined, name: e.entityName ?? undefined, type: e.entityType ?? undefined },
        ];
      }
      put('property_changes', changesJson);
      break;
    }
  }

  const status = statusOf(e.status, failedAction);
  const event: OcsfEvent = {
    activity_id: activityId,
    activity_name: activityName,
    category_uid: cls.categoryUid,
    category_name: cls.categoryName,
    class_uid: cls.uid,
    class_name: cls.name,
    type_uid: cls.uid * 100 + activityId,
    type_name: `${cls.name}: ${activityName}`,
    severity_id: SEVERITY.id,
    severity: SEVERITY.name,
    time: Date.parse(e.eventTime),
    status_id: status.id,
    status: status.name,
    status_code: e.status ?? undefined,
    message: message ?? undefined,
    metadata: {
      version: OCSF_VERSION,
      uid: e.eventId,
      correlation_uid: e.transactionId ?? undefined,
      event_code: [e.serviceName, e.entityType, e.action].map((p) => p ?? '-').join('.'),
      log_name: 'Genesys Cloud audit log',
      log_provider: 'gcaudit',
      original_time: e.eventTime,
      profiles: [...OCSF_PROFILES],
      product: {
        name: 'Genesys Cloud',
        vendor_name: 'Genesys',
        feature: e.serviceName ? { name: e.serviceName } : undefined,
      },
    },
    actor: actor(e),
    api: {
      operation: action || 'Unknown',
      service: e.serviceName ? { name: e.serviceName } : undefined,
      request: e.transactionId ? { uid: e.transactionId } : undefined,
    },
    cloud: { provider: 'Genesys Cloud', region: ctx.genesysRegion, account: { uid: ctx.org } },
    ...specific,
    unmapped,
  };
  if (ips.length > 0 && className !== 'entityManagement') event.src_endpoint = { ip: ips[0] };
  else if (className === 'apiActivity') event.src_endpoint = { svc_name: e.serviceName ?? 'Genesys Cloud' };
  return { className, event: stripUndefined(event) as OcsfEvent };
}

function user(uid: string | null, name: string | null): Record<string, unknown> {
  return { uid: uid ?? undefined, name: name ?? undefined };
}

/**
 * Who acted: the user, and the OAuth client they acted through as the session's credential
 * (OCSF 1.1's actor has no application attributes). A system event without either names the
 * service that invoked it.
 */
function actor(e: OcsfSourceEvent): Record<string, unknown> {
  const a: Record<string, unknown> = {};
  if (e.userId || e.userName) a.user = user(e.userId, e.userName);
  if (e.clientId) a.session = { credential_uid: e.clientId };
  if (!a.user) a.invoked_by = e.serviceName ? `Genesys Cloud ${e.serviceName}` : 'Genesys Cloud';
  return a;
}

function statusOf(status: string | null, failedAction: boolean): { id: number; name: string } {
  if (failedAction || status === 'FAILURE') return { id: 2, name: 'Failure' };
  if (status === 'SUCCESS') return { id: 1, name: 'Success' };
  if (status === null) return { id: 0, name: 'Unknown' };
  return { id: 99, name: status };
}

/** The source's rendered message text goes to `message`; the whole of `extra` stays in unmapped.extra. */
function splitExtra(extra: string | null): { message: string | null; rest: string | null } {
  if (!extra) return { message: null, rest: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(extra);
  } catch {
    return { message: null, rest: extra };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { message: null, rest: extra };
  const obj = parsed as Record<string, unknown>;
  const m = obj.message as { message?: unknown } | string | undefined;
  const message = typeof m === 'string' ? m : typeof m?.message === 'string' ? m.message : null;
  return { message, rest: extra };
}

/** Absent, not null: OCSF attributes are optional by absence. */
function stripUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripUndefined);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const s = stripUndefined(v);
      if (s && typeof s === 'object' && !Array.isArray(s) && Object.keys(s).length === 0) continue;
      out[k] = s;
    }
    return out;
  }
  return value;
}
