import { ApiError, notFound } from './errors-body';
import { stableUuid } from './prng';
import type { TokenInfo } from './oauth';

/**
 * What the sandbox's OAuth client may do, as Genesys answers it: token info, the grants of the
 * calling subject, the OAuth client and its roles. Least privilege by default (one role with
 * only audits:audit:view, which may not read its own OAuth client or roles); the "admin" knob
 * adds Genesys' admin role (every permission), for the privilege self-check to catch.
 *
 *   GET /api/v2/tokens/me                       any token
 *   GET /api/v2/authorization/subjects/me       any token: roles and their permission policies
 *   GET /api/v2/oauth/clients/{clientId}        needs oauth:client:view
 *   GET /api/v2/authorization/roles/{roleId}    needs authorization:role:view
 */
export type ClientRoles = 'least-privilege' | 'admin';

interface Role {
  id: string;
  name: string;
  description: string;
  /** domain:entity:action, '*' as a wildcard. */
  permissions: string[];
}

export type AuthorizationRoute = 'tokens-me' | 'subjects-me' | 'oauth-client' | 'role';

export function authorizationRoute(method: string, path: string): AuthorizationRoute | undefined {
  if (method !== 'GET') return undefined;
  if (path === '/api/v2/tokens/me') return 'tokens-me';
  if (path === '/api/v2/authorization/subjects/me') return 'subjects-me';
  if (/^\/api\/v2\/oauth\/clients\/[^/]+$/.test(path)) return 'oauth-client';
  if (/^\/api\/v2\/authorization\/roles\/[^/]+$/.test(path)) return 'role';
  return undefined;
}

export class AuthorizationDirectory {
  private readonly reader: Role;
  private readonly admin: Role;
  private readonly homeDivision: { id: string; name: string };

  constructor(
    private readonly seed: string,
    private readonly org: { id: string; name: string },
    private readonly clientId: string,
    private roles: ClientRoles,
  ) {
    this.reader = {
      id: stableUuid(seed, 'role-audit-reader'),
      name: 'Audit Log Reader',
      description: 'View audit logs',
      permissions: ['audits:audit:view'],
    };
    this.admin = {
      id: stableUuid(seed, 'role-admin'),
      name: 'admin',
      description: 'Full administrative access',
      permissions: ['*:*:*'],
    };
    this.homeDivision = { id: stableUuid(seed, 'division-home'), name: 'Home' };
  }

  setRoles(roles: ClientRoles): void {
    this.roles = roles;
  }

  private granted(): Role[] {
    return this.roles === 'admin' ? [this.reader, this.admin] : [this.reader];
  }

  private allows(permission: string): boolean {
    const [d, e, a] = permission.split(':');
    return this.granted().some((r) =>
      r.permissions.some((p) => {
        const [pd, pe, pa] = p.split(':');
        return (pd === '*' || pd === d) && (pe === '*' || pe === e) && (pa === '*' || pa === a);
      }),
    );
  }

  private require(permission: string): void {
    if (!this.allows(permission)) {
      throw new ApiError(
        403,
        'missing.permissions',
        `Unable to perform the requested action. You are missing the following permission(s): [${permission}]`,
      );
    }
  }

  answer(route: AuthorizationRoute, path: string, token: TokenInfo): { status: number; json: string } {
    const ok = (body: unknown) => ({ status: 200, json: JSON.stringify(body) });
    const orgRef = { id: this.org.id, name: this.org.name, selfUri: `/api/v2/organizations/${this.org.id}` };
    switch (route) {
      case 'tokens-me':
        return ok({
          organization: orgRef,
          homeOrganization: orgRef,
          OAuthClient: { id: token.clientId, name: 'gcaudit collector', organization: orgRef },
        });
      case 'subjects-me':
        return ok({
          id: token.clientId,
          name: 'gcaudit collector',
          grants: this.granted().map((r) => ({
            subjectId: token.clientId,
            division: {
              id: this.homeDivision.id,
              name: this.homeDivision.name,
              selfUri: `/api/v2/authorization/divisions/${this.homeDivision.id}`,
            },
            role: {
              id: r.id,
              name: r.name,
              description: r.description,
              policies: policies(r).map((p) => ({ domain: p.domain, entityName: p.entityName, actions: p.actionSet })),
              default: false,
            },
            grantMadeAt: '2026-01-05T09:00:00.000Z',
          })),
          version: 3,
          selfUri: `/api/v2/authorization/subjects/${token.clientId}`,
        });
      case 'oauth-client': {
        this.require('oauth:client:view');
        const id = decodeURIComponent(path.split('/').at(-1)!);
        if (id !== this.clientId) throw notFound();
        return ok({
          id,
          name: 'gcaudit collector',
          accessTokenValiditySeconds: 86400,
          authorizedGrantType: 'CLIENT-CREDENTIALS',
          roleIds: this.granted().map((r) => r.id),
          roleDivisions: this.granted().map((r) => ({ roleId: r.id, divisionId: this.homeDivision.id })),
          scope: [],
          state: 'active',
          dateCreated: '2026-01-05T09:00:00.000Z',
          selfUri: `/api/v2/oauth/clients/${id}`,
        });
      }
      case 'role': {
        this.require('authorization:role:view');
        const id = decodeURIComponent(path.split('/').at(-1)!);
        const role = [this.reader, this.admin].find((r) => r.id === id);
        if (!role) throw notFound();
        return ok({
          id: role.id,
          name: role.name,
          description: role.description,
          defaultRoleId: role === this.admin ? 'admin' : undefined,
          permissions: [],
          permissionPolicies: policies(role),
          userCount: 0,
          default: role === this.admin,
          base: false,
          selfUri: `/api/v2/authorization/roles/${role.id}`,
        });
      }
    }
  }
}

function policies(
  role: Role,
): Array<{ domain: string; entityName: string; policyName: string; actionSet: string[]; allowConditions: boolean }> {
  return role.permissions.map((p) => {
    const [domain, entityName, action] = p.split(':');
    return {
      domain,
      entityName,
      policyName: `${domain}_${entityName}_${action}`.replace(/\*/g, 'all'),
      actionSet: [action],
      allowConditions: false,
    };
  });
}
