import { ApiError, notFound } from './errors-body';
import { stableUuid } from './prng';
import type { TokenInfo } from './oauth';

/**
 * What the sandbox's OAuth client may do, as Genesys answers it: token info, the grants of the
 * calling subject, the OAuth client and its roles. Least privilege by default (one role with
 * only audits:audit:view, which may not read its own OAuth client or roles); "access-reviewer"
 * adds a role that may read the configuration APIs an access review needs (config-api.ts; its
 * permissions can be narrowed to test a partial review); "admin" adds Genesys' admin role
 * (every permission), for the privilege self-check to catch.
 *
 *   GET /api/v2/tokens/me                       any token
 *   GET /api/v2/authorization/subjects/me       any token: roles and their permission policies
 *   GET /api/v2/oauth/clients/{clientId}        needs oauth:client:view
 *   GET /api/v2/authorization/roles/{roleId}    needs authorization:role:view (config-api.ts)
 */
export type ClientRoles = 'least-privilege' | 'access-reviewer' | 'admin';
export const CLIENT_ROLES: readonly ClientRoles[] = ['least-privilege', 'access-reviewer', 'admin'];

/** What the configuration endpoints require (Genesys' permissions for them). */
export const ACCESS_REVIEW_PERMISSIONS = [
  'directory:user:view',
  'authorization:role:view',
  'authorization:grant:view',
  'authorization:division:view',
  'oauth:client:view',
];

export interface CollectorRole {
  id: string;
  name: string;
  description: string;
  /** domain:entity:action, '*' as a wildcard. */
  permissions: string[];
}

export type AuthorizationRoute = 'tokens-me' | 'subjects-me' | 'oauth-client';

export function authorizationRoute(method: string, path: string): AuthorizationRoute | undefined {
  if (method !== 'GET') return undefined;
  if (path === '/api/v2/tokens/me') return 'tokens-me';
  if (path === '/api/v2/authorization/subjects/me') return 'subjects-me';
  if (/^\/api\/v2\/oauth\/clients\/[^/]+$/.test(path)) return 'oauth-client';
  return undefined;
}

export class AuthorizationDirectory {
  private readonly reader: CollectorRole;
  private readonly admin: CollectorRole;
  private readonly reviewer: CollectorRole;
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
    this.reviewer = {
      id: stableUuid(seed, 'role-access-reviewer'),
      name: 'Access Reviewer',
      description: 'Reads users, roles, grants, divisions and OAuth clients',
      permissions: [...ACCESS_REVIEW_PERMISSIONS],
    };
    this.homeDivision = { id: stableUuid(seed, 'division-home'), name: 'Home' };
  }

  /** The client's roles; `reviewerPermissions` narrows the Access Reviewer role (default: all five). */
  setRoles(roles: ClientRoles, reviewerPermissions: readonly string[] = ACCESS_REVIEW_PERMISSIONS): void {
    this.roles = roles;
    this.reviewer.permissions = [...reviewerPermissions];
  }

  /** The roles granted to the collector's OAuth client, in its home division. */
  granted(): CollectorRole[] {
    if (this.roles === 'admin') return [this.reader, this.admin];
    if (this.roles === 'access-reviewer') return [this.reader, this.reviewer];
    return [this.reader];
  }

  /** Every role the collector's setup defines (they exist in the org whether granted or not). */
  definedRoles(): CollectorRole[] {
    return [this.reader, this.reviewer, this.admin];
  }

  get homeDivisionId(): string {
    return this.homeDivision.id;
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

  /** Throws Genesys' 403 missing.permissions unless the client holds `permission`. */
  require(permission: string): void {
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
    }
  }
}

export function policies(
  role: CollectorRole,
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
