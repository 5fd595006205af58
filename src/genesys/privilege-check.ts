import { Agent, Dispatcher } from 'undici';
import { Config } from '../config/config';
import { GcauditError } from '../errors';
import { headerValue, parseJson, send } from './http';
import { genesysEndpoints } from './regions';
import { TokenProvider } from './token-provider';

/** The one permission the collector needs. */
export const NEEDED_PERMISSION = 'audits:audit:view';

/**
 * Read-only permissions the daily access snapshot uses when the client holds them, and the part
 * of the snapshot each enables. Without one, that part is recorded as "not readable" (never as
 * empty); they are not excess, but each widens what a leaked secret of this client can read.
 */
export const OPTIONAL_PERMISSIONS: ReadonlyArray<{ permission: string; enables: string }> = [
  { permission: 'directory:user:view', enables: 'access_users (users, state, last login, last token)' },
  {
    permission: 'authorization:role:view',
    enables: 'access_roles (roles and their permissions); needed for access_grants too',
  },
  { permission: 'authorization:grant:view', enables: 'access_grants (who holds which role in which division)' },
  { permission: 'authorization:division:view', enables: 'access_divisions' },
  { permission: 'oauth:client:view', enables: 'access_oauth_clients and their role grants in access_grants' },
];

export interface PrivilegeReport {
  clientId: string;
  /** complete: every question answered; partial: some refused (403), still enough to judge; unknown: not enough to judge. */
  checked: 'complete' | 'partial' | 'unknown';
  roles: Array<{ id: string; name: string; permissions: string[] }>;
  permissions: string[];
  /** Permissions beyond audits:audit:view and the optional snapshot ones (wildcards included). */
  excess: string[];
  /** The access snapshot's optional permissions: held (true/false), or null when the roles could not be read. */
  optional: Array<{ permission: string; enables: string; held: boolean | null }>;
  adminRoles: string[];
  scope: string[] | null;
  /** Questions the API would not answer, and why. */
  unanswered: Array<{ call: string; status: number | null; reason: string }>;
  /** null: the check could not be made. */
  leastPrivilege: boolean | null;
}

interface Grant {
  role?: { id?: string; name?: string; policies?: Array<{ domain?: string; entityName?: string; actions?: string[] }> };
}

/**
 * Asks Genesys what the configured OAuth client may do, where the API lets a client ask about
 * itself: token info and the subject's grants (any token), the OAuth client and its roles (only
 * with oauth:client:view and authorization:role:view, which a least-privilege client lacks: that
 * refusal is expected and reported, not an error). Anything beyond audits:audit:view is excess:
 * a leaked secret of this client would carry it.
 */
export async function checkPrivileges(opts: {
  apiBase: string;
  clientId: string;
  tokens: TokenProvider;
  dispatcher: Dispatcher;
}): Promise<PrivilegeReport> {
  const unanswered: PrivilegeReport['unanswered'] = [];
  const ask = async <T>(path: string): Promise<T | null> => {
    try {
      const token = await opts.tokens.token();
      const res = await send(opts.dispatcher, `${opts.apiBase}${path}`, {
        method: 'GET',
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status === 200) {
        const body = parseJson<T>(res.text);
        if (body !== undefined) return body;
        unanswered.push({ call: `GET ${path}`, status: 200, reason: 'the answer is not JSON' });
        return null;
      }
      const err = parseJson<{ code?: string; message?: string }>(res.text);
      const correlation = headerValue(res.headers, 'inin-correlation-id');
      unanswered.push({
        call: `GET ${path}`,
        status: res.status,
        reason: `${res.status === 403 ? 'refused (403)' : `HTTP ${res.status}`}${err?.code ? ` ${err.code}` : ''}${err?.message ? `: ${err.message}` : ''}${correlation ? ` (ININ-Correlation-ID ${correlation})` : ''}`,
      });
      return null;
    } catch (err) {
      unanswered.push({
        call: `GET ${path}`,
        status: null,
        reason: err instanceof GcauditError ? err.message : 'request failed',
      });
      return null;
    }
  };

  const roles = new Map<string, { id: string; name: string; permissions: Set<string> }>();
  const addRole = (id: string | undefined, name: string | undefined) => {
    const key = id ?? name ?? '?';
    const role = roles.get(key) ?? { id: id ?? '', name: name ?? id ?? '?', permissions: new Set<string>() };
    roles.set(key, role);
    return role;
  };

  const tokenInfo = await ask<{ authorizedScope?: string[] }>('/api/v2/tokens/me');
  const subject = await ask<{ grants?: Grant[] }>('/api/v2/authorization/subjects/me');
  for (const g of subject?.grants ?? []) {
    const role = addRole(g.role?.id, g.role?.name);
    for (const p of g.role?.policies ?? [])
      for (const a of p.actions ?? []) role.permissions.add(`${p.domain ?? '*'}:${p.entityName ?? '*'}:${a}`);
  }
  const client = await ask<{ roleIds?: string[]; roleDivisions?: Array<{ roleId?: string }>; scope?: string[] }>(
    `/api/v2/oauth/clients/${encodeURIComponent(opts.clientId)}`,
  );
  const roleIds = new Set([
    ...(client?.roleIds ?? []),
    ...(client?.roleDivisions ?? []).map((r) => r.roleId).filter((r): r is string => !!r),
    ...[...roles.values()].map((r) => r.id).filter(Boolean),
  ]);
  // Each role once, for its full policy (the subject's grants may omit conditions); refused is fine.
  for (const id of roleIds) {
    const role = await ask<{
      id?: string;
      name?: string;
      permissionPolicies?: Array<{ domain?: string; entityName?: string; actionSet?: string[] }>;
    }>(`/api/v2/authorization/roles/${encodeURIComponent(id)}`);
    if (!role) break;
    const r = addRole(role.id ?? id, role.name);
    for (const p of role.permissionPolicies ?? [])
      for (const a of p.actionSet ?? []) r.permissions.add(`${p.domain ?? '*'}:${p.entityName ?? '*'}:${a}`);
  }

  const permissions = [...new Set([...roles.values()].flatMap((r) => [...r.permissions]))].sort();
  const optionalNames = new Set(OPTIONAL_PERMISSIONS.map((o) => o.permission));
  const excess = permissions.filter((p) => p !== NEEDED_PERMISSION && !optionalNames.has(p));
  const adminRoles = [...roles.values()]
    .filter((r) => /admin/i.test(r.name) || r.permissions.has('*:*:*'))
    .map((r) => r.name);
  const scope = client?.scope ?? tokenInfo?.authorizedScope ?? null;
  const known = subject !== null || (client !== null && roles.size > 0);
  return {
    clientId: opts.clientId,
    checked: !known ? 'unknown' : unanswered.length > 0 ? 'partial' : 'complete',
    roles: [...roles.values()].map((r) => ({ id: r.id, name: r.name, permissions: [...r.permissions].sort() })),
    permissions,
    excess,
    optional: OPTIONAL_PERMISSIONS.map((o) => ({
      ...o,
      held: known ? permissions.some((p) => grants(p, o.permission)) : null,
    })),
    adminRoles,
    scope,
    unanswered,
    leastPrivilege: known
      ? excess.length === 0 && adminRoles.length === 0 && permissions.includes(NEEDED_PERMISSION)
      : null,
  };
}

/** Whether a held permission (wildcards `*` allowed) covers a wanted one. */
function grants(held: string, wanted: string): boolean {
  const h = held.split(':');
  const w = wanted.split(':');
  return h.length === 3 && h.every((part, i) => part === '*' || part === w[i]);
}

/** One line on the access snapshot: what the client may read, and which missing permission would enable which part. */
function describeOptional(r: PrivilegeReport): string {
  const held = r.optional.filter((o) => o.held === true).map((o) => o.permission);
  const missing = r.optional.filter((o) => o.held === false);
  if (r.optional.every((o) => o.held === null))
    return `Access snapshot: optional read permissions unknown; ${OPTIONAL_PERMISSIONS.map((o) => `${o.permission} enables ${o.enables}`).join('; ')}`;
  return (
    `Access snapshot: ${held.length ? `reads with ${held.join(', ')}` : 'no optional permission held'}` +
    (missing.length
      ? `; not readable without (optional, read-only): ${missing.map((o) => `${o.permission} enables ${o.enables}`).join('; ')}`
      : '')
  );
}

/** Lines for a person: one line when all is well (and one on the access snapshot), a loud block when the client holds more. */
export function describePrivileges(r: PrivilegeReport): string[] {
  if (r.leastPrivilege === null) {
    return [
      `WARNING: could not check what Genesys OAuth client ${r.clientId} may do: ${r.unanswered.map((u) => `${u.call} ${u.reason}`).join('; ') || 'no answer'}`,
      `WARNING: make sure it holds only ${NEEDED_PERMISSION}`,
    ];
  }
  const refused = r.unanswered.filter((u) => u.status === 403).map((u) => u.call.replace(/^GET /, ''));
  const note = refused.length ? ` (not allowed to read ${refused.join(', ')}, as it should be)` : '';
  if (r.leastPrivilege) {
    const optional = r.optional.filter((o) => o.held).map((o) => o.permission);
    return [
      `Genesys OAuth client ${r.clientId}: least privilege, roles ${r.roles.map((x) => x.name).join(', ')} with only ${NEEDED_PERMISSION}${optional.length ? ` and the access snapshot's read-only ${optional.join(', ')}` : ''}${note}`,
      describeOptional(r),
    ];
  }
  const bar = 'WARNING: ' + '='.repeat(78);
  return [
    bar,
    `WARNING: Genesys OAuth client ${r.clientId} holds MORE than ${NEEDED_PERMISSION}`,
    ...(r.adminRoles.length ? [`WARNING:   admin roles: ${r.adminRoles.join(', ')}`] : []),
    `WARNING:   roles: ${r.roles.map((x) => x.name).join(', ')}`,
    `WARNING:   permissions beyond ${NEEDED_PERMISSION}: ${r.excess.slice(0, 12).join(', ')}${r.excess.length > 12 ? `, and ${r.excess.length - 12} more` : ''}`,
    ...(r.permissions.includes(NEEDED_PERMISSION)
      ? []
      : [`WARNING:   and it lacks ${NEEDED_PERMISSION}, which collection needs`]),
    `WARNING: anyone with this client's secret has that access; give it a role with only ${NEEDED_PERMISSION}`,
    `WARNING: (plus, for the access snapshot, any of: ${OPTIONAL_PERMISSIONS.map((o) => o.permission).join(', ')})`,
    bar,
    describeOptional(r),
  ];
}

/**
 * The start-up self-check of the worker and `gcaudit up`: never stops the start, only reports.
 * Returns the report (null when no Genesys client is configured).
 */
export async function reportPrivileges(config: Config, write: (line: string) => void): Promise<PrivilegeReport | null> {
  if (!config.genesys.clientId || !config.genesys.clientSecret) return null;
  const dispatcher = new Agent({ connections: 2, headersTimeout: 15_000, bodyTimeout: 15_000 });
  try {
    const { apiBase, loginBase } = genesysEndpoints(config.genesys);
    const tokens = new TokenProvider({
      loginBase,
      clientId: config.genesys.clientId,
      clientSecret: config.genesys.clientSecret,
      dispatcher,
    });
    const report = await checkPrivileges({ apiBase, clientId: config.genesys.clientId, tokens, dispatcher });
    for (const line of describePrivileges(report)) write(line);
    return report;
  } catch (err) {
    write(
      `WARNING: could not check what Genesys OAuth client ${config.genesys.clientId} may do: ${err instanceof GcauditError ? err.message : 'unexpected error'}`,
    );
    return null;
  } finally {
    await dispatcher.close();
  }
}
