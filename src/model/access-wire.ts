/**
 * Genesys Cloud's configuration API shapes that the access snapshot reads, as in the official SDK
 * (purecloud-platform-client-v2 models). Only the fields the snapshot maps are typed; everything
 * is optional because Genesys omits fields freely. Enum-like strings stay strings: unknown values are data.
 */

/** The SDK's paged listings (UserEntityListing, OrganizationRoleEntityListing, ...). */
export interface EntityListing<T> {
  entities?: T[];
  pageSize?: number;
  pageNumber?: number;
  total?: number;
  pageCount?: number;
  nextUri?: string | null;
}

export interface EntityRef {
  id?: string;
  name?: string;
  selfUri?: string;
}

/** User, with expand=authorization,dateLastLogin,lasttokenissued. */
export interface WireUser {
  id?: string;
  name?: string;
  division?: EntityRef;
  state?: string;
  email?: string;
  username?: string;
  dateLastLogin?: string;
  lastTokenIssued?: { dateIssued?: string };
  authorization?: { roles?: EntityRef[]; permissions?: string[] };
}

/** DomainPermissionPolicy. */
export interface WirePermissionPolicy {
  domain?: string;
  entityName?: string;
  actionSet?: string[];
}

/** DomainOrganizationRole. */
export interface WireRole {
  id?: string;
  name?: string;
  description?: string;
  defaultRoleId?: string;
  permissionPolicies?: WirePermissionPolicy[];
  userCount?: number;
}

/** SubjectDivisionGrants: one subject holding the role, in these divisions. */
export interface WireSubjectGrants {
  id?: string;
  name?: string;
  type?: string;
  divisions?: EntityRef[];
}

/** AuthzDivision. */
export interface WireDivision {
  id?: string;
  name?: string;
  description?: string;
  homeDivision?: boolean;
}

/** OAuthClientListing (its `secret` is never read). */
export interface WireOAuthClient {
  id?: string;
  name?: string;
  authorizedGrantType?: string;
  state?: string;
  roleIds?: string[];
  roleDivisions?: Array<{ roleId?: string; divisionId?: string }>;
  createdBy?: EntityRef;
  dateCreated?: string;
  modifiedBy?: EntityRef;
  dateModified?: string;
}

/** Organization (GET /api/v2/organizations/me). */
export interface WireOrganization {
  id?: string;
  name?: string;
  state?: string;
}
