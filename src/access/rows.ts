import { createHash } from 'node:crypto';
import type { TransformContext } from '../transform/pipeline';
import type { WireDivision, WireOAuthClient, WireRole, WireSubjectGrants, WireUser } from '../model/access-wire';

/** Rows of the access tables without the common columns (org_id, snapshot_day, captured_at), added when written. */
export interface UserRow {
  user_id: string;
  user_name: string | null;
  state: string | null;
  division_id: string | null;
  date_last_login: string | null;
  last_token_issued: string | null;
}

export interface RoleRow {
  role_id: string;
  role_name: string | null;
  default_role_id: string | null;
  user_count: number | null;
  permissions: string[];
  permissions_hash: string;
}

export interface GrantRow {
  subject_id: string;
  subject_type: string;
  role_id: string;
  division_id: string | null;
}

export interface OAuthClientRow {
  client_id: string;
  client_name: string | null;
  authorized_grant_type: string | null;
  state: string | null;
  role_ids: string[];
  created_by_id: string | null;
  date_created: string | null;
  modified_by_id: string | null;
  date_modified: string | null;
}

export interface DivisionRow {
  division_id: string;
  division_name: string | null;
  home_division: boolean | null;
}

/**
 * Masked and minimized as events are: a user's name follows MASK_PERSON_NAMES (the same
 * `person#` token as in audit_events' user_name, so the two join), emails and phones in other
 * names are masked, and nothing else of a user (email, username, addresses, title) is kept.
 * Descriptions are free text and are dropped.
 */
export function userRow(u: WireUser, t: TransformContext): UserRow | null {
  if (!u.id) return null;
  return {
    user_id: u.id,
    user_name: personName(u.name, t),
    state: u.state ?? null,
    division_id: u.division?.id ?? null,
    date_last_login: isoOrNull(u.dateLastLogin),
    last_token_issued: isoOrNull(u.lastTokenIssued?.dateIssued),
  };
}

/** Each policy's actions as `domain:entity:action` (wildcards kept as `*`), sorted and unique, and their SHA-256. */
export function roleRow(r: WireRole, t: TransformContext): RoleRow | null {
  if (!r.id) return null;
  const permissions = [
    ...new Set(
      (r.permissionPolicies ?? []).flatMap((p) =>
        (p.actionSet ?? []).map((a) => `${p.domain ?? '*'}:${p.entityName ?? '*'}:${a}`),
      ),
    ),
  ].sort();
  return {
    role_id: r.id,
    role_name: t.masker.maskNullable(r.name ?? null),
    default_role_id: r.defaultRoleId ?? null,
    user_count: typeof r.userCount === 'number' ? r.userCount : null,
    permissions,
    permissions_hash: createHash('sha256').update(permissions.join('\n')).digest('hex'),
  };
}

/** One row per division the subject holds the role in (a grant without divisions: one row, division NULL). */
export function grantRows(roleId: string, s: WireSubjectGrants): GrantRow[] {
  if (!s.id) return [];
  const base = { subject_id: s.id, subject_type: subjectType(s.type), role_id: roleId };
  const divisions = s.divisions ?? [];
  if (divisions.length === 0) return [{ ...base, division_id: null }];
  return divisions.map((d) => ({ ...base, division_id: d.id ?? null }));
}

/** An OAuth client's roleDivisions are grants too (subject_type 'oauth_client'). */
export function oauthGrantRows(c: WireOAuthClient): GrantRow[] {
  if (!c.id) return [];
  return (c.roleDivisions ?? [])
    .filter((rd) => rd.roleId)
    .map((rd) => ({
      subject_id: c.id!,
      subject_type: 'oauth_client',
      role_id: rd.roleId!,
      division_id: rd.divisionId ?? null,
    }));
}

export function oauthClientRow(c: WireOAuthClient, t: TransformContext): OAuthClientRow | null {
  if (!c.id) return null;
  const roleIds = [
    ...new Set([
      ...(c.roleIds ?? []),
      ...(c.roleDivisions ?? []).map((rd) => rd.roleId).filter((r): r is string => !!r),
    ]),
  ].sort();
  return {
    client_id: c.id,
    client_name: t.masker.maskNullable(c.name ?? null),
    authorized_grant_type: c.authorizedGrantType ?? null,
    state: c.state ?? null,
    role_ids: roleIds,
    created_by_id: c.createdBy?.id ?? null,
    date_created: isoOrNull(c.dateCreated),
    modified_by_id: c.modifiedBy?.id ?? null,
    date_modified: isoOrNull(c.dateModified),
  };
}

export function divisionRow(d: WireDivision, t: TransformContext): DivisionRow | null {
  if (!d.id) return null;
  return {
    division_id: d.id,
    division_name: t.masker.maskNullable(d.name ?? null),
    home_division: typeof d.homeDivision === 'boolean' ? d.homeDivision : null,
  };
}

/** Genesys' subject types (PC_USER, PC_GROUP, ...) in the contract's words; an unknown one is kept, lower-cased, as data. */
export function subjectType(type: string | undefined): string {
  const t = (type ?? '').toUpperCase();
  if (t === 'PC_USER' || t === 'USER') return 'user';
  if (t === 'PC_GROUP' || t === 'GROUP') return 'group';
  if (t === 'PC_OAUTH_CLIENT' || t === 'OAUTH_CLIENT' || t === 'OAUTHCLIENT') return 'oauth_client';
  return (type ?? 'unknown').toLowerCase();
}

function personName(name: string | undefined, t: TransformContext): string | null {
  if (name === undefined || name.trim() === '') return name ?? null;
  switch (t.persons.policy) {
    case 'keep':
      return t.masker.maskString(name);
    case 'drop':
      return null;
    default:
      return t.masker.personToken(name);
  }
}

/** A Genesys date (ISO 8601) as ISO UTC; an unparsable one is NULL rather than a made-up time. */
function isoOrNull(value: string | undefined | null): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
