/**
 * Reference detectors: the anomaly rules of src/sim/anomalies.ts (RULES) written independently
 * in TypeScript over the wire records. The data tests hold the simulator to its promise: on
 * every day, these find exactly the planted anomaly events, and nothing on a normal day.
 */
import { AuditLogMessage } from '../../src/model/audit-log-message';
import { AnomalyKind } from '../../src/sim';
import { HIGH_RISK_PERMISSIONS, SECURITY_SETTINGS } from '../../src/sim/anomalies';

const HOUR = 3_600_000;
const t = (e: AuditLogMessage) => Date.parse(e.eventDate!);
const isWeekday = (ms: number) => {
  const d = new Date(ms).getUTCDay();
  return d >= 1 && d <= 5;
};
const hourOf = (ms: number) => new Date(ms).getUTCHours() + new Date(ms).getUTCMinutes() / 60;
const inWindow = (ms: number) => new Date(ms).getUTCDay() === 6 && hourOf(ms) >= 1 && hourOf(ms) < 3;
const inBusiness = (ms: number) => isWeekday(ms) && hourOf(ms) >= 7 && hourOf(ms) < 19;
const changes = (e: AuditLogMessage, property: string) =>
  (e.propertyChanges ?? []).filter((c) => c.property === property);

/** Ids of every event that falls in some window of `windowMs` holding at least `min` events of one group. */
function bursts(
  events: AuditLogMessage[],
  key: (e: AuditLogMessage) => string,
  windowMs: number,
  min: number,
): string[] {
  const groups = new Map<string, AuditLogMessage[]>();
  for (const e of events) groups.set(key(e), [...(groups.get(key(e)) ?? []), e]);
  const out = new Set<string>();
  for (const g of groups.values()) {
    g.sort((a, b) => t(a) - t(b));
    for (let i = 0; i < g.length; i++) {
      let j = i;
      while (j < g.length && t(g[j]) - t(g[i]) < windowMs) j++;
      if (j - i >= min) for (let k = i; k < j; k++) out.add(g[k].id!);
    }
  }
  return [...out];
}

export function detect(events: AuditLogMessage[]): Record<AnomalyKind, string[]> {
  const is = (e: AuditLogMessage, service: string | null, entityType: string, ...actions: string[]) =>
    (service === null || e.serviceName === service) && e.entityType === entityType && actions.includes(e.action!);
  const user = (e: AuditLogMessage) => e.user!.id!;
  const ids = (xs: AuditLogMessage[]) => xs.map((e) => e.id!);
  return {
    admin_role_outside_window: ids(
      events.filter(
        (e) =>
          is(e, 'PeoplePermissions', 'Role', 'MemberAdd') && /admin/i.test(e.entity?.name ?? '') && !inWindow(t(e)),
      ),
    ),
    oauth_client_burst: bursts(
      events.filter((e) => is(e, null, 'OAuthClient', 'Create')),
      user,
      HOUR,
      4,
    ),
    mass_user_deletion: bursts(
      events.filter((e) => is(e, 'Directory', 'User', 'Delete') && e.level === 'USER'),
      user,
      HOUR,
      10,
    ),
    role_permission_escalation: ids(
      events.filter(
        (e) =>
          is(e, null, 'Role', 'Update') &&
          changes(e, 'permissionPolicies').some((c) =>
            (c.newValues ?? []).some((p) => !(c.oldValues ?? []).includes(p) && HIGH_RISK_PERMISSIONS.includes(p)),
          ),
      ),
    ),
    oauth_client_secret_or_scope_change: ids(
      events.filter(
        (e) =>
          is(e, null, 'OAuthClient', 'Update') && (changes(e, 'secret').length > 0 || changes(e, 'scopes').length > 0),
      ),
    ),
    integration_credential_change: ids(
      events.filter((e) => is(e, 'Integrations', 'Credential', 'Create', 'Update', 'Delete')),
    ),
    recording_export_spike: bursts(
      events.filter((e) => is(e, null, 'Recording', 'Export', 'Download')),
      user,
      HOUR,
      20,
    ),
    recording_deletion_spike: bursts(
      events.filter((e) => is(e, null, 'Recording', 'Delete') && e.level === 'USER'),
      user,
      HOUR,
      20,
    ),
    auth_failure_spike: bursts(
      events.filter((e) => is(e, null, 'AuthUser', 'AuthenticationFailed')),
      (e) => e.entity!.id!,
      15 * 60_000,
      10,
    ),
    org_security_setting_change: ids(
      events.filter(
        (e) =>
          is(e, null, 'AuthOrganization', 'Update') &&
          (e.propertyChanges ?? []).some((c) => SECURITY_SETTINGS.includes(c.property!)),
      ),
    ),
    after_hours_admin: ids(
      events.filter(
        (e) =>
          e.level === 'USER' &&
          e.serviceName === 'PeoplePermissions' &&
          !['View', 'Authenticate', 'AuthenticationFailed', 'SingleLogout'].includes(e.action!) &&
          !inBusiness(t(e)) &&
          !inWindow(t(e)),
      ),
    ),
    new_admin_user: ids(
      events.filter(
        (e) =>
          is(e, 'Directory', 'User', 'Create') &&
          changes(e, 'roles').some((c) => (c.newValues ?? []).some((r) => /admin/i.test(r))),
      ),
    ),
  };
}
