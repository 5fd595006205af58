import { SimEvent, eventMessage } from './event';

/**
 * What an audit changes in the org's access configuration: the events of the trail that grant
 * or revoke roles, change a role's permissions, create or delete users and OAuth clients, and
 * logins (dateLastLogin). Read from the generated events only (their wire records), so the
 * configuration can never disagree with the audit trail the API serves.
 */
export type AccessChange =
  | { t: number; kind: 'grant' | 'revoke'; subjectId: string; roleId: string; by: string }
  | { t: number; kind: 'role-permissions'; roleId: string; add: string[]; remove: string[]; by: string }
  | { t: number; kind: 'user-create'; userId: string; name: string; roleNames: string[]; by: string }
  | { t: number; kind: 'user-delete'; userId: string; name: string; by: string }
  | { t: number; kind: 'login'; userId: string }
  | { t: number; kind: 'client-create'; clientId: string; name: string; grantType: string; by: string }
  | { t: number; kind: 'client-update'; clientId: string; by: string }
  | { t: number; kind: 'client-delete'; clientId: string; name: string; by: string };

/** The access changes among a day's events, in eventDate order (failed audits change nothing). */
export function accessChanges(events: readonly SimEvent[]): AccessChange[] {
  const out: AccessChange[] = [];
  for (const e of events) {
    const people = e.serviceName === 'PeoplePermissions';
    const directory = (e.serviceName === 'Directory' || e.serviceName === 'SCIM') && e.entityType === 'User';
    if (!people && !directory) continue;
    const { t, by } = { t: e.time, by: e.userId };
    if (people && e.entityType === 'AuthUser') {
      if (e.action === 'Authenticate') out.push({ t, kind: 'login', userId: e.entityId });
      continue;
    }
    const relevant =
      (people && (e.entityType === 'Role' || e.entityType === 'OAuthClient')) ||
      (directory && (e.action === 'Create' || e.action === 'Delete'));
    if (!relevant) continue;
    const m = eventMessage(e);
    if (m.status !== 'SUCCESS') continue;
    const values = (property: string, side: 'oldValues' | 'newValues') =>
      m.propertyChanges?.find((c) => c.property === property)?.[side] ?? [];
    const name = m.entity?.name ?? '';
    if (directory) {
      if (e.action === 'Create')
        out.push({ t, kind: 'user-create', userId: e.entityId, name, roleNames: values('roles', 'newValues'), by });
      else out.push({ t, kind: 'user-delete', userId: e.entityId, name, by });
    } else if (e.entityType === 'Role') {
      if (e.action === 'MemberAdd')
        for (const s of values('members', 'newValues'))
          out.push({ t, kind: 'grant', subjectId: s, roleId: e.entityId, by });
      else if (e.action === 'MemberRemove')
        for (const s of values('members', 'oldValues'))
          out.push({ t, kind: 'revoke', subjectId: s, roleId: e.entityId, by });
      else if (e.action === 'Update') {
        const before = values('permissionPolicies', 'oldValues');
        const after = values('permissionPolicies', 'newValues');
        if (before.length || after.length)
          out.push({
            t,
            kind: 'role-permissions',
            roleId: e.entityId,
            add: after.filter((p) => !before.includes(p)),
            remove: before.filter((p) => !after.includes(p)),
            by,
          });
      }
    } else if (e.action === 'Create') {
      const grantType = values('authorizedGrantType', 'newValues')[0] ?? 'CLIENT_CREDENTIALS';
      out.push({
        t,
        kind: 'client-create',
        clientId: e.entityId,
        name,
        // Audits spell it CLIENT_CREDENTIALS; the OAuth API answers CLIENT-CREDENTIALS.
        grantType: grantType.replace(/_/g, '-'),
        by,
      });
    } else if (e.action === 'Update') out.push({ t, kind: 'client-update', clientId: e.entityId, by });
    else if (e.action === 'Delete') out.push({ t, kind: 'client-delete', clientId: e.entityId, name, by });
  }
  return out;
}
