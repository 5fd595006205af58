import { DayBuilder, Draft } from './builder';
import { DAY_MS } from './clock';
import { Actor } from './org';
import { Rng } from './prng';

/**
 * Planted anomalies: what the compliance checks must find, at known times, on known days.
 * A normal day never matches any rule below (benign.ts keeps sensitive activity under every
 * threshold and inside business hours); an anomaly day matches exactly the planted events.
 */
export const ANOMALY_KINDS = [
  'admin_role_outside_window',
  'oauth_client_burst',
  'mass_user_deletion',
  'role_permission_escalation',
  'oauth_client_secret_or_scope_change',
  'integration_credential_change',
  'recording_export_spike',
  'recording_deletion_spike',
  'auth_failure_spike',
  'org_security_setting_change',
  'after_hours_admin',
  'new_admin_user',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export interface Anomaly {
  kind: AnomalyKind;
  /** The planted events, in eventDate order. */
  eventIds: string[];
  userId?: string;
  /** eventDate of the first and last planted event. */
  from: string;
  to: string;
  details: Record<string, unknown>;
}

/** The authorized change window (UTC). Admin role grants inside it are expected. */
export const CHANGE_WINDOW = {
  description: 'Saturdays 01:00-03:00 UTC',
  weekdays: [6],
  startUtc: '01:00',
  endUtc: '03:00',
} as const;
/** Business hours (UTC); admin work outside them (and outside the change window) is flagged. */
export const BUSINESS_HOURS = {
  description: 'Monday-Friday 07:00-19:00 UTC',
  weekdays: [1, 2, 3, 4, 5],
  startUtc: '07:00',
  endUtc: '19:00',
} as const;
/** Permissions whose addition to a role is an escalation. */
export const HIGH_RISK_PERMISSIONS = [
  '*:*:*',
  'authorization:*:*',
  'authorization:grant:add',
  'oauth:client:add',
  'directory:user:delete',
  'recording:recording:delete',
];
export const LOW_RISK_PERMISSIONS = [
  'routing:queue:view',
  'analytics:conversationDetail:view',
  'quality:evaluation:view',
  'directory:user:view',
  'architect:flow:view',
  'wfm:schedule:view',
];
/** Properties of AuthOrganization whose change weakens or alters org security. */
export const SECURITY_SETTINGS = [
  'ipAddressAllowlist',
  'sessionIdleTimeoutMinutes',
  'mfaRequired',
  'passwordMinLength',
  'ssoOnly',
];

/** What each kind means, as a check would test it. Thresholds leave normal days well below. */
export const RULES: Record<AnomalyKind, string> = {
  admin_role_outside_window: `PeoplePermissions/Role/MemberAdd of a role whose name contains "admin" (case-insensitive), eventDate outside the change window (${CHANGE_WINDOW.description}); newValues of property "members" hold the grantee's user id`,
  oauth_client_burst: 'more than 3 OAuthClient/Create by one user within 1 hour',
  mass_user_deletion:
    'at least 10 Directory/User/Delete by one USER-level user within 1 hour (SYSTEM-level SCIM deletions excluded)',
  role_permission_escalation: `Role/Update whose property "permissionPolicies" newValues add one of ${HIGH_RISK_PERMISSIONS.join(', ')}`,
  oauth_client_secret_or_scope_change: 'OAuthClient/Update with a property change of "secret" or "scopes"',
  integration_credential_change: 'any Integrations/Credential Create, Update or Delete',
  recording_export_spike: 'at least 20 Recording/Export or Recording/Download by one user within 1 hour',
  recording_deletion_spike:
    'at least 20 Recording/Delete by one USER-level user within 1 hour (SYSTEM-level retention deletions excluded)',
  auth_failure_spike: 'at least 10 AuthUser/AuthenticationFailed for the same entity id within 15 minutes',
  org_security_setting_change: `AuthOrganization/Update changing one of ${SECURITY_SETTINGS.join(', ')}`,
  after_hours_admin: `USER-level PeoplePermissions event with an action other than View, Authenticate, AuthenticationFailed, SingleLogout, outside business hours (${BUSINESS_HOURS.description}) and outside the change window`,
  new_admin_user: 'Directory/User/Create whose property "roles" newValues include a role whose name contains "admin"',
};

export interface DayPlan {
  kinds: AnomalyKind[];
  /** Every kind is planted: one weekday per ISO week. */
  full: boolean;
}

/** 0 = Sunday ... 6 = Saturday. 1970-01-01 was a Thursday. */
export function weekday(dayNum: number): number {
  return (((dayNum + 4) % 7) + 7) % 7;
}

/**
 * Which anomalies a day carries: one weekday of every week (Monday-based) has all of them;
 * other weekdays have a few with probability `share`; weekends none.
 */
export function planDay(seed: string, dayNum: number, share: number): DayPlan {
  const wd = weekday(dayNum);
  if (wd === 0 || wd === 6) return { kinds: [], full: false };
  const week = Math.floor((dayNum + 3) / 7);
  const fullDay = new Rng(seed, 'full-anomaly-day', week).range(1, 5);
  if (wd === fullDay) return { kinds: [...ANOMALY_KINDS], full: true };
  const rng = new Rng(seed, 'anomaly-day', dayNum);
  if (!rng.chance(share)) return { kinds: [], full: false };
  const n = rng.range(1, 3);
  const kinds = new Set<AnomalyKind>();
  while (kinds.size < n) kinds.add(rng.pick(ANOMALY_KINDS));
  return { kinds: ANOMALY_KINDS.filter((k) => kinds.has(k)), full: false };
}

export interface Planted {
  kind: AnomalyKind;
  drafts: Draft[];
  userId?: string;
  details: Record<string, unknown>;
}

type Planter = (b: DayBuilder) => Omit<Planted, 'kind'>;

const MIN = 60_000;

function series(
  b: DayBuilder,
  start: number,
  count: number,
  spanMs: number,
  make: (t: number, i: number) => Draft,
): Draft[] {
  const out: Draft[] = [];
  for (let i = 0; i < count; i++)
    out.push(b.add(make(start + Math.floor((spanMs * i) / count) + b.rng.int(20_000), i)));
  return out;
}

const pickUser = (b: DayBuilder, exclude: Actor[] = []): Actor => {
  const pool = b.org.users.filter((u) => !u.admin && !exclude.includes(u));
  return b.rng.pick(pool);
};

const PLANTERS: Record<AnomalyKind, Planter> = {
  admin_role_outside_window(b) {
    const actor = b.rng.pick(b.org.admins);
    const grantee = pickUser(b);
    const role = b.rng.pick(b.org.adminRoles());
    const d = b.add({
      t: b.between(10, 10.5),
      actor,
      service: 'PeoplePermissions',
      entityType: 'Role',
      action: 'MemberAdd',
      entity: { id: role.id, name: role.name },
      propertyChanges: [{ property: 'members', oldValues: [], newValues: [grantee.id] }],
      params: { userName: grantee.name },
      phrase: ' for {userName}',
    });
    return {
      drafts: [d],
      userId: actor.id,
      details: {
        roleId: role.id,
        roleName: role.name,
        granteeUserId: grantee.id,
        changeWindow: CHANGE_WINDOW.description,
      },
    };
  },
  oauth_client_burst(b) {
    const actor = b.rng.pick(b.org.admins);
    const drafts = series(b, b.between(11, 11.25), 6, 8 * MIN, (t, i) => {
      const name = `automation-client-${i + 1}`;
      return {
        t,
        actor,
        service: 'PeoplePermissions',
        entityType: 'OAuthClient',
        action: 'Create',
        client: 'none',
        entity: { id: b.rng.uuid(), name },
        propertyChanges: [
          { property: 'name', oldValues: [], newValues: [name] },
          { property: 'authorizedGrantType', oldValues: [], newValues: ['CLIENT_CREDENTIALS'] },
        ],
      };
    });
    return { drafts, userId: actor.id, details: { count: drafts.length, windowMinutes: 10 } };
  },
  mass_user_deletion(b) {
    const actor = b.rng.pick(b.org.admins);
    const start = b.rng.range(0, 90);
    const victims = b.org.users
      .filter((u) => !u.admin)
      .slice(start, start + 15)
      .map((u, i) => b.org.leaver(u, b.dayNum, `mass-${i}`));
    const drafts = series(b, b.between(13, 13.25), victims.length, 20 * MIN, (t, i) => ({
      t,
      actor,
      service: 'Directory',
      entityType: 'User',
      action: 'Delete',
      entity: { id: victims[i].id, name: victims[i].name },
      propertyChanges: [{ property: 'email', oldValues: [b.pii.email(victims[i].person!, 'lower')], newValues: [] }],
    }));
    return { drafts, userId: actor.id, details: { count: drafts.length, deletedUserIds: victims.map((v) => v.id) } };
  },
  role_permission_escalation(b) {
    const actor = b.rng.pick(b.org.admins);
    const role = b.rng.pick(b.org.otherRoles());
    const base = [LOW_RISK_PERMISSIONS[0], LOW_RISK_PERMISSIONS[1]];
    const added = [HIGH_RISK_PERMISSIONS[2], HIGH_RISK_PERMISSIONS[4]];
    const d = b.add({
      t: b.between(14, 14.5),
      actor,
      service: 'PeoplePermissions',
      entityType: 'Role',
      action: 'Update',
      entity: { id: role.id, name: role.name },
      propertyChanges: [{ property: 'permissionPolicies', oldValues: base, newValues: [...base, ...added] }],
    });
    return {
      drafts: [d],
      userId: actor.id,
      details: { roleId: role.id, roleName: role.name, addedPermissions: added },
    };
  },
  oauth_client_secret_or_scope_change(b) {
    const actor = b.rng.pick(b.org.admins);
    const client = b.rng.pick(b.org.oauthClients);
    const t = b.between(15, 15.25);
    const secret = b.add({
      t,
      actor,
      service: 'PeoplePermissions',
      entityType: 'OAuthClient',
      action: 'Update',
      entity: client,
      propertyChanges: [{ property: 'secret', oldValues: ['********'], newValues: ['********'] }],
    });
    const scopes = b.add({
      t: t + 4 * MIN,
      actor,
      service: 'PeoplePermissions',
      entityType: 'OAuthClient',
      action: 'Update',
      entity: client,
      propertyChanges: [
        { property: 'scopes', oldValues: ['analytics:readonly'], newValues: ['analytics:readonly', 'admin', 'users'] },
      ],
    });
    return {
      drafts: [secret, scopes],
      userId: actor.id,
      details: { clientId: client.id, clientName: client.name, properties: ['secret', 'scopes'] },
    };
  },
  integration_credential_change(b) {
    const actor = b.rng.pick(b.org.admins);
    const d = b.add({
      t: b.between(9, 9.5),
      actor,
      service: 'Integrations',
      entityType: 'Credential',
      action: 'Update',
      entity: { id: b.rng.uuid(), name: 'Salesforce API credentials' },
      propertyChanges: [
        {
          property: 'credentialFields',
          oldValues: ['clientId', 'clientSecret'],
          newValues: ['clientId', 'clientSecret', 'loginUrl'],
        },
      ],
    });
    return { drafts: [d], userId: actor.id, details: { credentialName: 'Salesforce API credentials' } };
  },
  recording_export_spike(b) {
    const actor = pickUser(b);
    const drafts = series(b, b.between(16, 16.25), 30, 40 * MIN, (t) => ({
      t,
      actor,
      service: 'Quality',
      entityType: 'Recording',
      action: 'Export',
      client: 'none',
      entity: { id: b.rng.uuid() },
      context: { conversationId: b.rng.uuid(), exportFormat: 'WAV' },
    }));
    return { drafts, userId: actor.id, details: { count: drafts.length, windowMinutes: 40 } };
  },
  recording_deletion_spike(b) {
    const actor = pickUser(b);
    const drafts = series(b, b.between(12, 12.25), 25, 30 * MIN, (t) => ({
      t,
      actor,
      service: 'Quality',
      entityType: 'Recording',
      action: 'Delete',
      entity: { id: b.rng.uuid() },
      context: { conversationId: b.rng.uuid() },
    }));
    return { drafts, userId: actor.id, details: { count: drafts.length, windowMinutes: 30 } };
  },
  auth_failure_spike(b) {
    const target = pickUser(b);
    const ip = '192.0.2.250';
    const login = b.pii.email(target.person!, 'upper');
    const drafts = series(b, b.between(8, 8.25), 25, 10 * MIN, (t) => ({
      t,
      actor: target,
      service: 'PeoplePermissions',
      entityType: 'AuthUser',
      action: 'AuthenticationFailed',
      status: 'FAILURE',
      client: 'none',
      entity: { id: target.id, name: login },
      remoteIp: [ip],
      context: { reason: 'invalid_credentials' },
    }));
    return {
      drafts,
      userId: target.id,
      details: { targetUserId: target.id, remoteIp: ip, count: drafts.length, windowMinutes: 10 },
    };
  },
  org_security_setting_change(b) {
    const actor = b.rng.pick(b.org.admins);
    const d = b.add({
      t: b.between(15.5, 16),
      actor,
      service: 'PeoplePermissions',
      entityType: 'AuthOrganization',
      action: 'Update',
      entity: { id: b.org.id, name: b.org.name },
      propertyChanges: [
        { property: 'ipAddressAllowlist', oldValues: ['203.0.113.0/24'], newValues: ['0.0.0.0/0'] },
        { property: 'sessionIdleTimeoutMinutes', oldValues: ['15'], newValues: ['480'] },
      ],
    });
    return {
      drafts: [d],
      userId: actor.id,
      details: { properties: ['ipAddressAllowlist', 'sessionIdleTimeoutMinutes'] },
    };
  },
  after_hours_admin(b) {
    const actor = b.rng.pick(b.org.admins);
    const role = b.rng.pick(b.org.otherRoles());
    const grantee = pickUser(b);
    const client = b.rng.pick(b.org.oauthClients);
    const t = b.between(22.5, 22.75);
    const drafts = [
      b.add({
        t,
        actor,
        service: 'PeoplePermissions',
        entityType: 'Role',
        action: 'Update',
        entity: role,
        propertyChanges: [
          {
            property: 'permissionPolicies',
            oldValues: [LOW_RISK_PERMISSIONS[2]],
            newValues: [LOW_RISK_PERMISSIONS[2], LOW_RISK_PERMISSIONS[3]],
          },
        ],
      }),
      b.add({
        t: t + 7 * MIN,
        actor,
        service: 'PeoplePermissions',
        entityType: 'Role',
        action: 'MemberAdd',
        entity: role,
        propertyChanges: [{ property: 'members', oldValues: [], newValues: [grantee.id] }],
      }),
      b.add({
        t: t + 19 * MIN,
        actor,
        service: 'PeoplePermissions',
        entityType: 'OAuthClient',
        action: 'Update',
        entity: client,
        propertyChanges: [
          { property: 'description', oldValues: ['Integration client'], newValues: ['Integration client (temp)'] },
        ],
      }),
    ];
    return { drafts, userId: actor.id, details: { businessHours: BUSINESS_HOURS.description, count: drafts.length } };
  },
  new_admin_user(b) {
    const actor = b.rng.pick(b.org.admins);
    const person = {
      first: 'temp',
      last: 'admin',
      email: `temp.admin${b.dayNum}@example.net`,
      phone: { country: 'US', cc: '1', national: '(415) 555-0142', groups: '415 555 0142', digits: '', nanp: true },
    };
    const id = b.rng.uuid();
    const role = b.org.adminRoles()[0];
    const d = b.add({
      t: b.between(10.75, 11),
      actor,
      service: 'Directory',
      entityType: 'User',
      action: 'Create',
      entity: { id, name: 'Temp Admin' },
      propertyChanges: [
        { property: 'email', oldValues: [], newValues: [b.pii.email(person, 'lower')] },
        { property: 'roles', oldValues: [], newValues: ['Employee', role.name] },
      ],
    });
    return { drafts: [d], userId: actor.id, details: { newUserId: id, roleName: role.name } };
  },
};

export function plantAnomalies(b: DayBuilder, kinds: readonly AnomalyKind[]): Planted[] {
  return kinds.map((kind) => ({ kind, ...PLANTERS[kind](b) }));
}

/** After ids are assigned: the truth records of the planted anomalies. */
export function describePlanted(planted: Planted[]): Anomaly[] {
  return planted.map((p) => {
    const sorted = [...p.drafts].sort((x, y) => x.t - y.t);
    return {
      kind: p.kind,
      eventIds: sorted.map((d) => d.id!),
      userId: p.userId,
      from: new Date(sorted[0].t).toISOString(),
      to: new Date(sorted[sorted.length - 1].t).toISOString(),
      details: p.details,
    };
  });
}

/** True when `ms` is inside the change window. */
export function inChangeWindow(ms: number): boolean {
  const dayNum = Math.floor(ms / DAY_MS);
  const h = (ms - dayNum * DAY_MS) / 3_600_000;
  return weekday(dayNum) === 6 && h >= 1 && h < 3;
}
