import { AuthorizationDirectory, CollectorRole, policies } from './authorization';
import { ConfigSnapshot } from './config-state';
import { badRequest, notFound } from './errors-body';
import { ConfigGrant, ConfigRole, ConfigUser } from './org-config';

/**
 * The org's configuration APIs, in Genesys' wire shapes (the official SDK's models), each gated
 * by its real permission (403 missing.permissions otherwise), over the state config-state.ts
 * derives from the audit trail:
 *
 *   GET /api/v2/users                                      directory:user:view
 *       pageSize (25, max 500), pageNumber, sortOrder, state=active|inactive|deleted|any,
 *       expand=authorization,dateLastLogin,lasttokenissued (comma-separated or repeated)
 *   GET /api/v2/authorization/roles                        authorization:role:view (paged)
 *   GET /api/v2/authorization/roles/{roleId}               authorization:role:view
 *   GET /api/v2/authorization/roles/{roleId}/subjectgrants authorization:grant:view (paged)
 *   GET /api/v2/authorization/subjects/{subjectId}         authorization:grant:view
 *   GET /api/v2/authorization/divisions                    authorization:division:view (paged)
 *   GET /api/v2/oauth/clients                              oauth:client:view (one page, as Genesys)
 *   GET /api/v2/organizations/me                           any token
 */
export type ConfigRoute =
  'users' | 'roles' | 'role' | 'role-subjectgrants' | 'subject' | 'divisions' | 'oauth-clients' | 'organization';

export function configRoute(method: string, path: string): ConfigRoute | undefined {
  if (method !== 'GET') return undefined;
  if (path === '/api/v2/users') return 'users';
  if (path === '/api/v2/authorization/roles') return 'roles';
  if (/^\/api\/v2\/authorization\/roles\/[^/]+$/.test(path)) return 'role';
  if (/^\/api\/v2\/authorization\/roles\/[^/]+\/subjectgrants$/.test(path)) return 'role-subjectgrants';
  if (/^\/api\/v2\/authorization\/subjects\/[^/]+$/.test(path) && path !== '/api/v2/authorization/subjects/me')
    return 'subject';
  if (path === '/api/v2/authorization/divisions') return 'divisions';
  if (path === '/api/v2/oauth/clients') return 'oauth-clients';
  if (path === '/api/v2/organizations/me') return 'organization';
  return undefined;
}

/** Genesys' largest page for these listings. */
export const MAX_PAGE_SIZE = 500;
const USER_STATES = ['active', 'inactive', 'deleted', 'any'];
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

interface Paged<T> {
  entities: T[];
  pageSize: number;
  pageNumber: number;
  total: number;
  firstUri: string;
  selfUri: string;
  lastUri: string;
  nextUri?: string;
  previousUri?: string;
  pageCount: number;
}

function intParam(params: URLSearchParams, name: string, dflt: number, max: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw badRequest(`Value [${raw}] is not valid for field type [Integer] or is out of range for ${name} (1-${max})`);
  return n;
}

/** A page of `items` with Genesys' paging fields; the URIs keep the request's other parameters. */
export function page<T>(items: readonly T[], path: string, params: URLSearchParams): Paged<T> {
  const pageSize = intParam(params, 'pageSize', 25, MAX_PAGE_SIZE);
  const pageNumber = intParam(params, 'pageNumber', 1, Number.MAX_SAFE_INTEGER);
  const total = items.length;
  const pageCount = Math.ceil(total / pageSize);
  const uri = (n: number) => {
    const q = new URLSearchParams(params);
    q.set('pageSize', String(pageSize));
    q.set('pageNumber', String(n));
    return `${path}?${q.toString()}`;
  };
  const out: Paged<T> = {
    entities: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
    pageSize,
    pageNumber,
    total,
    firstUri: uri(1),
    selfUri: uri(pageNumber),
    lastUri: uri(Math.max(1, pageCount)),
    pageCount,
  };
  if (pageNumber < pageCount) out.nextUri = uri(pageNumber + 1);
  if (pageNumber > 1) out.previousUri = uri(Math.min(pageNumber - 1, Math.max(1, pageCount)));
  return out;
}

function expands(params: URLSearchParams): Set<string> {
  return new Set(
    [...params.getAll('expand'), ...params.getAll('expand[]')].flatMap((v) => v.split(',')).map((v) => v.trim()),
  );
}

const subjectIndex = new WeakMap<ConfigSnapshot, Map<string, ConfigGrant[]>>();
function bySubject(s: ConfigSnapshot): Map<string, ConfigGrant[]> {
  let index = subjectIndex.get(s);
  if (!index) {
    index = new Map();
    for (const g of s.grants.values()) {
      const list = index.get(g.subjectId);
      if (list) list.push(g);
      else index.set(g.subjectId, [g]);
    }
    subjectIndex.set(s, index);
  }
  return index;
}

const byName = <T extends { name: string; id: string }>(a: T, b: T) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

export class ConfigApi {
  constructor(
    private readonly snapshot: () => ConfigSnapshot,
    private readonly authz: AuthorizationDirectory,
    private readonly org: { id: string; name: string },
    private readonly collector: { clientId: string },
  ) {}

  /** Every role of the org: its own and the ones the collector's setup defines. */
  private roles(s: ConfigSnapshot): ConfigRole[] {
    return [...s.roles.values(), ...this.authz.definedRoles()];
  }

  answer(route: ConfigRoute, path: string, params: URLSearchParams): { status: number; json: string } {
    const ok = (body: unknown) => ({ status: 200, json: JSON.stringify(body) });
    const id = () => decodeURIComponent(path.split('/')[5]);
    switch (route) {
      case 'organization':
        return ok(this.organization());
      case 'users': {
        this.authz.require('directory:user:view');
        const state = params.get('state') ?? 'active';
        if (!USER_STATES.includes(state))
          throw badRequest(`Invalid state [${state}]: expected one of ${USER_STATES.join(', ')}`);
        const order = (params.get('sortOrder') ?? 'ASC').toUpperCase();
        if (order !== 'ASC' && order !== 'DESC') throw badRequest(`Invalid sortOrder [${order}]`);
        const s = this.snapshot();
        const users = [...s.users.values()].filter((u) => state === 'any' || u.state === state).sort(byName);
        if (order === 'DESC') users.reverse();
        const p = page(users, path, params);
        const ex = expands(params);
        return ok({ ...p, entities: p.entities.map((u) => this.user(s, u, ex)) });
      }
      case 'roles': {
        this.authz.require('authorization:role:view');
        const s = this.snapshot();
        const p = page(this.roles(s).sort(byName), path, params);
        return ok({ ...p, entities: p.entities.map((r) => this.role(s, r)) });
      }
      case 'role': {
        this.authz.require('authorization:role:view');
        const s = this.snapshot();
        const role = this.roles(s).find((r) => r.id === id());
        if (!role) throw notFound();
        return ok(this.role(s, role));
      }
      case 'role-subjectgrants': {
        this.authz.require('authorization:grant:view');
        const s = this.snapshot();
        const roleId = id();
        if (!this.roles(s).some((r) => r.id === roleId)) throw notFound();
        const divisions = new Map<string, Set<string>>();
        for (const g of s.grants.values()) {
          if (g.roleId !== roleId || !s.users.has(g.subjectId)) continue;
          let set = divisions.get(g.subjectId);
          if (!set) divisions.set(g.subjectId, (set = new Set()));
          set.add(g.divisionId);
        }
        const subjects = [...divisions.keys()].map((u) => s.users.get(u)!).sort(byName);
        const p = page(subjects, path, params);
        return ok({
          ...p,
          entities: p.entities.map((u) => ({
            id: u.id,
            name: u.name,
            divisions: [...divisions.get(u.id)!].map((d) => this.divisionRef(s, d)),
            type: 'PC_USER',
            selfUri: `/api/v2/users/${u.id}`,
          })),
        });
      }
      case 'subject': {
        this.authz.require('authorization:grant:view');
        const s = this.snapshot();
        const user = s.users.get(id());
        if (!user) throw notFound();
        const roles = new Map(this.roles(s).map((r) => [r.id, r]));
        return ok({
          id: user.id,
          name: user.name,
          grants: (bySubject(s).get(user.id) ?? [])
            .filter((g) => roles.has(g.roleId))
            .map((g) => {
              const r = roles.get(g.roleId)!;
              const d = s.divisions.find((x) => x.id === g.divisionId)!;
              return {
                subjectId: user.id,
                division: {
                  id: d.id,
                  name: d.name,
                  description: d.description,
                  homeDivision: d.home,
                  selfUri: `/api/v2/authorization/divisions/${d.id}`,
                },
                role: {
                  id: r.id,
                  name: r.name,
                  description: r.description,
                  policies: policies(r).map((x) => ({
                    domain: x.domain,
                    entityName: x.entityName,
                    actions: x.actionSet,
                  })),
                  default: r.defaultRoleId !== undefined,
                  selfUri: `/api/v2/authorization/roles/${r.id}`,
                },
                grantMadeAt: iso(g.grantedAt),
              };
            }),
          version: user.version,
          selfUri: `/api/v2/authorization/subjects/${user.id}`,
        });
      }
      case 'divisions': {
        this.authz.require('authorization:division:view');
        const s = this.snapshot();
        const p = page(s.divisions, path, params);
        return ok({
          ...p,
          entities: p.entities.map((d) => ({
            id: d.id,
            name: d.name,
            description: d.description,
            homeDivision: d.home,
            selfUri: `/api/v2/authorization/divisions/${d.id}`,
          })),
        });
      }
      case 'oauth-clients': {
        this.authz.require('oauth:client:view');
        return ok(this.clients());
      }
    }
  }

  private organization() {
    return {
      id: this.org.id,
      name: this.org.name,
      defaultLanguage: 'en-us',
      defaultCountryCode: 'US',
      thirdPartyOrgName: 'sandbox-org',
      domain: 'sandbox-org',
      version: 1,
      state: 'active',
      voicemailEnabled: true,
      productPlatform: 'PureCloud',
      selfUri: `/api/v2/organizations/${this.org.id}`,
    };
  }

  private divisionRef(s: ConfigSnapshot, id: string) {
    const d = s.divisions.find((x) => x.id === id)!;
    return { id: d.id, name: d.name, selfUri: `/api/v2/authorization/divisions/${d.id}` };
  }

  private user(s: ConfigSnapshot, u: ConfigUser, ex: Set<string>) {
    const out: Record<string, unknown> = {
      id: u.id,
      name: u.name,
      division: this.divisionRef(s, u.divisionId),
      state: u.state,
      version: u.version,
      acdAutoAnswer: false,
    };
    if (u.email) {
      out.email = u.email;
      out.username = u.email;
    }
    if (ex.has('authorization')) {
      const roles = new Map(this.roles(s).map((r) => [r.id, r]));
      const held = [...new Set((bySubject(s).get(u.id) ?? []).map((g) => g.roleId))]
        .map((id) => roles.get(id))
        .filter((r): r is ConfigRole => r !== undefined);
      out.authorization = {
        roles: held.map((r) => ({ id: r.id, name: r.name })),
        unusedRoles: [],
        permissions: [...new Set(held.flatMap((r) => r.permissions))].sort(),
      };
    }
    if (ex.has('dateLastLogin') && u.dateLastLogin !== undefined) out.dateLastLogin = iso(u.dateLastLogin);
    if (ex.has('lasttokenissued') && u.lastTokenIssued !== undefined)
      out.lastTokenIssued = { dateIssued: iso(u.lastTokenIssued) };
    out.selfUri = `/api/v2/users/${u.id}`;
    return out;
  }

  private role(s: ConfigSnapshot, r: ConfigRole | CollectorRole) {
    const users = new Set<string>();
    for (const g of s.grants.values()) if (g.roleId === r.id && s.users.has(g.subjectId)) users.add(g.subjectId);
    // The collector's roles are custom ones (the org's default admin role is Master Admin).
    const defaultRoleId = 'defaultRoleId' in r ? r.defaultRoleId : undefined;
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      defaultRoleId,
      permissions: [],
      permissionPolicies: policies(r),
      userCount: users.size,
      default: defaultRoleId !== undefined,
      base: false,
      selfUri: `/api/v2/authorization/roles/${r.id}`,
    };
  }

  private clients() {
    const s = this.snapshot();
    const mine = this.authz.granted();
    const home = this.authz.homeDivisionId;
    const collector = {
      id: this.collector.clientId,
      name: 'gcaudit collector',
      description: 'Audit Lake collector',
      accessTokenValiditySeconds: 86400,
      authorizedGrantType: 'CLIENT-CREDENTIALS',
      roleIds: mine.map((r) => r.id),
      roleDivisions: mine.map((r) => ({ roleId: r.id, divisionId: home })),
      scope: [],
      state: 'active',
      dateCreated: '2026-01-05T09:00:00.000Z',
      dateModified: '2026-01-05T09:00:00.000Z',
      selfUri: `/api/v2/oauth/clients/${this.collector.clientId}`,
    };
    const ref = (id: string | undefined) => (id ? { id, selfUri: `/api/v2/users/${id}` } : undefined);
    const entities = [
      ...[...s.clients.values()].sort(byName).map((c) => ({
        id: c.id,
        name: c.name,
        description: c.description,
        accessTokenValiditySeconds: 86400,
        authorizedGrantType: c.grantType,
        roleIds: [...new Set(c.roleDivisions.map((d) => d.roleId))],
        roleDivisions: c.roleDivisions,
        scope: [],
        state: c.state,
        dateCreated: iso(c.dateCreated),
        dateModified: iso(c.dateModified),
        createdBy: ref(c.createdBy),
        modifiedBy: ref(c.modifiedBy),
        selfUri: `/api/v2/oauth/clients/${c.id}`,
      })),
      collector,
    ];
    // Genesys answers every client in one page.
    return {
      entities,
      pageSize: entities.length,
      pageNumber: 1,
      total: entities.length,
      firstUri: '/api/v2/oauth/clients?pageSize=' + entities.length + '&pageNumber=1',
      selfUri: '/api/v2/oauth/clients?pageSize=' + entities.length + '&pageNumber=1',
      lastUri: '/api/v2/oauth/clients?pageSize=' + entities.length + '&pageNumber=1',
      pageCount: 1,
    };
  }
}
