import { AccessChange, accessChanges } from './access-changes';
import { DAY_MS, dayNumber, dayString } from './clock';
import { DayStore } from './day-store';
import { ConfigClient, ConfigDivision, ConfigGrant, ConfigRole, ConfigUser, initialConfig } from './org-config';

/**
 * The org's access configuration at a time: the initial configuration at the epoch plus every
 * access change of the audit trail from the epoch up to that time, plus the planted anomalies
 * (which are exactly where configuration and audit trail disagree, or where the configuration
 * itself is risky). Days are generated once for their changes, which are kept (they are few).
 */
export interface ConfigSnapshot {
  at: number;
  divisions: ConfigDivision[];
  roles: Map<string, ConfigRole>;
  users: Map<string, ConfigUser>;
  clients: Map<string, ConfigClient>;
  /** Keyed subjectId|roleId|divisionId. */
  grants: Map<string, ConfigGrant>;
  truth: AccessTruth;
}

/** Ground truth of the planted access anomalies (contract of issue 13). */
export interface AccessTruth {
  /** First day of the replayed access history: the initial configuration is as of its start. */
  epochDay: string;
  /**
   * (a) present from `grantedAt` on (a minute after the configuration was first read), with no
   * audit event for it.
   */
  outOfBandGrant: { userId: string; roleId: string; roleName: string; divisionId: string; grantedAt: string };
  /** (b) no login for 120+ days, still holds an admin role. */
  dormantAdmin: { userId: string; roleId: string; roleName: string; dateLastLogin: string };
  /** (c) a client-credentials OAuth client holding an admin role. */
  adminOAuthClient: { clientId: string; roleId: string; roleName: string };
  /** (d) deleted (by the audited event `deletedAt`), its grants never removed. */
  deletedUserWithGrants?: { userId: string; deletedAt: string; roleIds: string[] };
  /** Roles that carry admin-level permissions (wildcards over authorization, or *:*:*). */
  adminRoleIds: string[];
}

const key = (g: { subjectId: string; roleId: string; divisionId: string }) =>
  `${g.subjectId}|${g.roleId}|${g.divisionId}`;

export class ConfigHistory {
  private readonly changes = new Map<number, AccessChange[]>();
  private cached?: { today: number; applied: number; oob: boolean; snapshot: ConfigSnapshot };

  constructor(
    private readonly store: DayStore,
    /** Start of the replayed history (day number). */
    readonly epochDay: number,
    /** When the out-of-band grant (a) is made. */
    private readonly outOfBandAt: number,
    /** Accounts deleted up to this day are known from the epoch on (see Org.leaver). */
    private readonly horizonDay: number,
  ) {}

  private dayChanges(day: number): AccessChange[] {
    let c = this.changes.get(day);
    if (!c) {
      c = accessChanges(this.store.get(day).events);
      this.changes.set(day, c);
    }
    return c;
  }

  /** The configuration as it is at `nowMs` (the simulated clock). */
  at(nowMs: number): ConfigSnapshot {
    const today = dayNumber(nowMs);
    const all: AccessChange[] = [];
    for (let d = this.epochDay; d <= today; d++) all.push(...this.dayChanges(d));
    let applied = 0;
    while (applied < all.length && all[applied].t <= nowMs) applied++;
    const oob = nowMs >= this.outOfBandAt;
    const hit = this.cached;
    if (hit && hit.today === today && hit.applied === applied && hit.oob === oob) return hit.snapshot;
    // Leavers deleted up to the horizon are in every snapshot before it (they existed before the epoch).
    const ahead: AccessChange[] = [];
    for (let d = today + 1; d <= this.horizonDay; d++) ahead.push(...this.dayChanges(d));
    const snapshot = this.build(all, applied, ahead, nowMs);
    this.cached = { today, applied, oob, snapshot };
    return snapshot;
  }

  private build(all: AccessChange[], applied: number, ahead: AccessChange[], nowMs: number): ConfigSnapshot {
    const org = this.store.generator.org;
    // Accounts and clients deleted during the history existed before it (leavers).
    const coreIds = new Set(org.users.map((u) => u.id));
    const leavers = new Map<string, string>();
    const goneClients = new Map<string, string>();
    for (const c of [...all, ...ahead]) {
      if (c.kind === 'user-delete' && !coreIds.has(c.userId)) leavers.set(c.userId, c.name);
      if (c.kind === 'client-delete') goneClients.set(c.clientId, c.name);
    }
    for (const c of [...all, ...ahead]) if (c.kind === 'user-create') leavers.delete(c.userId);
    const init = initialConfig(
      org,
      this.epochDay,
      [...leavers].map(([id, name]) => ({ id, name })),
    );
    const roles = new Map(init.roles.map((r) => [r.id, { ...r, permissions: [...r.permissions] }]));
    const users = new Map(init.users.map((u) => [u.id, { ...u }]));
    const clients = new Map(init.clients.map((c) => [c.id, { ...c, roleDivisions: [...c.roleDivisions] }]));
    const epoch = this.epochDay * DAY_MS;
    for (const [id, name] of goneClients)
      if (!clients.has(id))
        clients.set(id, {
          id,
          name,
          description: name,
          grantType: 'CODE',
          state: 'active',
          roleDivisions: [],
          createdBy: org.admins[0]?.id,
          dateCreated: epoch - 90 * DAY_MS,
          modifiedBy: org.admins[0]?.id,
          dateModified: epoch - 90 * DAY_MS,
        });
    const grants = new Map(init.grants.map((g) => [key(g), g]));
    const home = init.divisions[0].id;
    const roleByName = new Map(init.roles.map((r) => [r.name, r.id]));

    // (d): the first deletion of the history keeps its grants.
    const keptDeletion = all.slice(0, applied).find((c) => c.kind === 'user-delete') as
      Extract<AccessChange, { kind: 'user-delete' }> | undefined;
    // (a): an account no audit of the history names gets an admin role.
    const oob = { userId: init.planted.outOfBandUserId, roleId: roleByName.get('Division Admin')! };

    const bump = (u: ConfigUser | undefined) => u && u.version++;
    for (let i = 0; i < applied; i++) {
      const c = all[i];
      switch (c.kind) {
        case 'grant':
          if (users.has(c.subjectId) && roles.has(c.roleId)) {
            const g = { subjectId: c.subjectId, roleId: c.roleId, divisionId: home, grantedAt: c.t };
            if (!grants.has(key(g))) grants.set(key(g), g);
          }
          break;
        case 'revoke':
          for (const [k, g] of grants) if (g.subjectId === c.subjectId && g.roleId === c.roleId) grants.delete(k);
          break;
        case 'role-permissions': {
          const r = roles.get(c.roleId);
          if (r)
            r.permissions = [...r.permissions.filter((p) => !c.remove.includes(p)), ...c.add].filter(
              (p, j, a) => a.indexOf(p) === j,
            );
          break;
        }
        case 'user-create': {
          users.set(c.userId, { id: c.userId, name: c.name, state: 'active', divisionId: home, version: 1 });
          for (const n of c.roleNames) {
            const roleId = roleByName.get(n);
            if (roleId)
              grants.set(key({ subjectId: c.userId, roleId, divisionId: home }), {
                subjectId: c.userId,
                roleId,
                divisionId: home,
                grantedAt: c.t,
              });
          }
          break;
        }
        case 'user-delete': {
          const u = users.get(c.userId);
          if (!u) break;
          u.state = 'deleted';
          bump(u);
          if (c !== keptDeletion) for (const [k, g] of grants) if (g.subjectId === c.userId) grants.delete(k);
          break;
        }
        case 'login': {
          const u = users.get(c.userId);
          if (u) {
            u.dateLastLogin = c.t;
            u.lastTokenIssued = c.t;
          }
          break;
        }
        case 'client-create':
          clients.set(c.clientId, {
            id: c.clientId,
            name: c.name,
            description: c.name,
            grantType: c.grantType as ConfigClient['grantType'],
            state: 'active',
            roleDivisions: [],
            createdBy: c.by,
            dateCreated: c.t,
            modifiedBy: c.by,
            dateModified: c.t,
          });
          break;
        case 'client-update': {
          const cl = clients.get(c.clientId);
          if (cl) {
            cl.modifiedBy = c.by;
            cl.dateModified = c.t;
          }
          break;
        }
        case 'client-delete':
          clients.delete(c.clientId);
          break;
      }
    }
    if (nowMs >= this.outOfBandAt) {
      const g = { subjectId: oob.userId, roleId: oob.roleId, divisionId: home, grantedAt: this.outOfBandAt };
      grants.set(key(g), g);
    }

    const adminRoleIds = init.roles.filter((r) => isAdminLevel(r.permissions)).map((r) => r.id);
    const dormant = init.users.find((u) => u.id === init.planted.dormantAdminUserId)!;
    const masterAdmin = roleByName.get('Master Admin')!;
    const truth: AccessTruth = {
      epochDay: dayString(this.epochDay),
      outOfBandGrant: {
        userId: oob.userId,
        roleId: oob.roleId,
        roleName: 'Division Admin',
        divisionId: home,
        grantedAt: new Date(this.outOfBandAt).toISOString(),
      },
      dormantAdmin: {
        userId: dormant.id,
        roleId: masterAdmin,
        roleName: 'Master Admin',
        dateLastLogin: new Date(dormant.dateLastLogin!).toISOString(),
      },
      adminOAuthClient: { clientId: init.planted.adminClientId, roleId: masterAdmin, roleName: 'Master Admin' },
      deletedUserWithGrants: keptDeletion && {
        userId: keptDeletion.userId,
        deletedAt: new Date(keptDeletion.t).toISOString(),
        roleIds: init.grants.filter((g) => g.subjectId === keptDeletion.userId).map((g) => g.roleId),
      },
      adminRoleIds,
    };
    return { at: nowMs, divisions: init.divisions, roles, users, clients, grants, truth };
  }
}

/** Admin-level: every permission, or a wildcard over authorization (who may grant roles). */
export function isAdminLevel(permissions: readonly string[]): boolean {
  return permissions.some((p) => p === '*:*:*' || p.startsWith('authorization:*') || p === 'authorization:grant:*');
}
