import { DAY_MS } from './clock';
import { Org } from './org';
import { Rng, stableUuid } from './prng';

/**
 * The sandbox org's configuration before its access history starts (the "epoch"): divisions,
 * roles with their permission policies, users with divisions and last logins, OAuth clients and
 * grants. Derived from the seed alone, with the ids the audit generator uses (its users, roles
 * and OAuth clients exist here). config-state.ts replays the audit trail on top of it.
 */
export interface ConfigDivision {
  id: string;
  name: string;
  description: string;
  home: boolean;
}

export interface ConfigRole {
  id: string;
  name: string;
  description: string;
  defaultRoleId?: string;
  /** domain:entity:action, '*' a wildcard. */
  permissions: string[];
}

export interface ConfigUser {
  id: string;
  name: string;
  email?: string;
  state: 'active' | 'inactive' | 'deleted';
  divisionId: string;
  dateLastLogin?: number;
  lastTokenIssued?: number;
  version: number;
}

export type GrantType = 'CLIENT-CREDENTIALS' | 'CODE' | 'TOKEN' | 'SAML2BEARER' | 'PASSWORD';

export interface ConfigClient {
  id: string;
  name: string;
  description: string;
  grantType: GrantType;
  state: 'active' | 'disabled' | 'inactive';
  roleDivisions: Array<{ roleId: string; divisionId: string }>;
  createdBy?: string;
  dateCreated: number;
  modifiedBy?: string;
  dateModified: number;
}

export interface ConfigGrant {
  subjectId: string;
  roleId: string;
  divisionId: string;
  grantedAt: number;
}

/** Permission policies of the org's roles (admin-level ones hold wildcards over authorization). */
const ROLE_PERMISSIONS: Record<string, { permissions: string[]; defaultRoleId?: string; description: string }> = {
  'Master Admin': { permissions: ['*:*:*'], defaultRoleId: 'admin', description: 'Every permission in the org' },
  Admin: {
    permissions: ['authorization:*:*', 'directory:*:*', 'oauth:client:*', 'routing:*:*'],
    description: 'Administers people, roles and OAuth clients',
  },
  'Telephony Admin': {
    permissions: ['telephony:*:*', 'directory:user:view'],
    defaultRoleId: 'telephonyAdmin',
    description: 'Administers telephony',
  },
  'Division Admin': {
    permissions: ['authorization:division:*', 'authorization:grant:*', 'directory:user:view'],
    description: 'Administers divisions and their grants',
  },
  Employee: {
    permissions: ['directory:user:view', 'directory:group:view', 'chat:chat:access'],
    defaultRoleId: 'employee',
    description: 'Every employee',
  },
  Agent: {
    permissions: ['routing:queue:view', 'conversation:call:accept', 'conversation:webmessaging:accept'],
    defaultRoleId: 'agent',
    description: 'Handles interactions',
  },
  Supervisor: {
    permissions: ['routing:queue:view', 'analytics:conversationDetail:view', 'quality:evaluation:view'],
    defaultRoleId: 'supervisor',
    description: 'Supervises agents',
  },
  'Quality Evaluator': { permissions: ['quality:evaluation:*', 'recording:recording:view'], description: 'Evaluates' },
  'Reporting Analyst': {
    permissions: ['analytics:conversationDetail:view', 'analytics:userAggregate:view'],
    description: 'Reads reports',
  },
  'Communicate - User': { permissions: ['chat:chat:access'], defaultRoleId: 'communicateUser', description: 'Chat' },
  'Architect Designer': { permissions: ['architect:flow:*', 'architect:prompt:view'], description: 'Builds flows' },
};

/** Planted entities of the initial state (their ground truth is in access-truth.ts). */
export interface PlantedEntities {
  /** (b) no login for 120+ days, still holds Master Admin. */
  dormantAdminUserId: string;
  /** (c) a client-credentials client holding Master Admin. */
  adminClientId: string;
  /** (a) the account the out-of-band grant goes to (no audit event ever names it). */
  outOfBandUserId: string;
}

export interface OrgConfig {
  divisions: ConfigDivision[];
  roles: ConfigRole[];
  users: ConfigUser[];
  clients: ConfigClient[];
  grants: ConfigGrant[];
  planted: PlantedEntities;
}

const CLIENT_GRANT_TYPES: Record<string, GrantType> = {
  'Audit Lake Collector': 'CLIENT-CREDENTIALS',
  'WEM Connector': 'CLIENT-CREDENTIALS',
  'CRM Sync': 'CODE',
  'Data Actions': 'CLIENT-CREDENTIALS',
  'Reporting Export': 'SAML2BEARER',
  'Chat Widget Backend': 'TOKEN',
};

export function divisionsOf(seed: string): ConfigDivision[] {
  return ['Home', 'Sales', 'Support', 'Back Office'].map((name, i) => ({
    id: i === 0 ? stableUuid(seed, 'division-home') : stableUuid(seed, 'division', name),
    name,
    description: i === 0 ? 'The org\u2019s home division' : `${name} teams`,
    home: i === 0,
  }));
}

/**
 * The configuration as of the start of `epochDay`. Leavers (accounts deleted in the replayed
 * history, see Org.leaver) exist from before the epoch: `leavers` lists them with their names.
 */
export function initialConfig(org: Org, epochDay: number, leavers: Array<{ id: string; name: string }>): OrgConfig {
  const seed = org.seed;
  const rng = new Rng(seed, 'org-config');
  const epoch = epochDay * DAY_MS;
  const divisions = divisionsOf(seed);
  const home = divisions[0].id;
  const roleId = (name: string) => org.roles.find((r) => r.name === name)!.id;
  const roles: ConfigRole[] = org.roles.map((r) => ({ id: r.id, name: r.name, ...ROLE_PERMISSIONS[r.name] }));
  const users: ConfigUser[] = [];
  const grants: ConfigGrant[] = [];
  const grant = (subjectId: string, role: string, divisionId = home, at = epoch - 400 * DAY_MS) =>
    grants.push({ subjectId, roleId: roleId(role), divisionId, grantedAt: at });
  // Before the epoch everybody logged in within the last 60 days (nobody is dormant by chance).
  const lastLogin = () => epoch - (1 + rng.int(60)) * DAY_MS - rng.int(DAY_MS);

  org.users.forEach((u, i) => {
    const divisionId = divisions[i % divisions.length].id;
    const login = lastLogin();
    users.push({
      id: u.id,
      name: u.name,
      email: u.person?.email,
      state: 'active',
      divisionId,
      dateLastLogin: login,
      lastTokenIssued: login,
      version: 1 + rng.int(9),
    });
    grant(u.id, 'Employee');
    if (u.admin) grant(u.id, ['Master Admin', 'Admin', 'Telephony Admin', 'Division Admin'][i % 4]);
    else grant(u.id, ['Agent', 'Agent', 'Supervisor', 'Quality Evaluator', 'Reporting Analyst'][i % 5], divisionId);
  });
  for (const l of leavers) {
    const login = lastLogin();
    const divisionId = rng.pick(divisions).id;
    users.push({
      id: l.id,
      name: l.name,
      state: 'active',
      divisionId,
      dateLastLogin: login,
      lastTokenIssued: login,
      version: 1,
    });
    grant(l.id, 'Employee');
    grant(l.id, 'Agent', divisionId);
  }

  // Seasonal accounts, switched off between campaigns (Genesys' inactive state); never in the trail.
  for (let i = 0; i < 3; i++) {
    const id = stableUuid(seed, 'seasonal-user', i);
    users.push({
      id,
      name: `Seasonal Agent ${i + 1}`,
      state: 'inactive',
      divisionId: divisions[1].id,
      dateLastLogin: epoch - (70 + i * 9) * DAY_MS,
      lastTokenIssued: epoch - (70 + i * 9) * DAY_MS,
      version: 4,
    });
    grant(id, 'Employee');
    grant(id, 'Agent', divisions[1].id);
  }

  // (b) A former administrator who has not logged in for 130 days and still holds Master Admin.
  const dormantAdminUserId = stableUuid(seed, 'dormant-admin');
  users.push({
    id: dormantAdminUserId,
    name: 'Legacy Admin',
    email: 'legacy.admin@example.org',
    state: 'active',
    divisionId: home,
    dateLastLogin: epoch - 130 * DAY_MS,
    lastTokenIssued: epoch - 130 * DAY_MS,
    version: 3,
  });
  grant(dormantAdminUserId, 'Employee');
  grant(dormantAdminUserId, 'Master Admin');
  // (a) An ordinary account; the out-of-band grant (config-state.ts) makes it a Division Admin.
  const outOfBandUserId = stableUuid(seed, 'out-of-band-user');
  users.push({
    id: outOfBandUserId,
    name: 'Night Shift Contractor',
    email: 'contractor.night@example.org',
    state: 'active',
    divisionId: divisions[2].id,
    dateLastLogin: epoch - 2 * DAY_MS,
    lastTokenIssued: epoch - 2 * DAY_MS,
    version: 2,
  });
  grant(outOfBandUserId, 'Employee');
  grant(outOfBandUserId, 'Agent', divisions[2].id);

  const creator = org.admins[0]?.id;
  const clients: ConfigClient[] = org.oauthClients.map((c, i) => {
    const created = epoch - (200 + i * 17) * DAY_MS;
    const nonAdmin = ['Reporting Analyst', 'Agent', 'Employee', 'Architect Designer', 'Supervisor', 'Employee'][i % 6];
    return {
      id: c.id,
      name: c.name,
      description: `${c.name} integration`,
      grantType: CLIENT_GRANT_TYPES[c.name] ?? 'CLIENT-CREDENTIALS',
      state: 'active',
      roleDivisions:
        (CLIENT_GRANT_TYPES[c.name] ?? 'CLIENT-CREDENTIALS') === 'CLIENT-CREDENTIALS'
          ? [{ roleId: roleId(nonAdmin), divisionId: home }]
          : [],
      createdBy: creator,
      dateCreated: created,
      modifiedBy: creator,
      dateModified: created,
    };
  });
  // (c) A client-credentials client holding Master Admin.
  const adminClientId = stableUuid(seed, 'oauth-client', 'Nightly Export Job');
  clients.push({
    id: adminClientId,
    name: 'Nightly Export Job',
    description: 'Bulk export script',
    grantType: 'CLIENT-CREDENTIALS',
    state: 'active',
    roleDivisions: [{ roleId: roleId('Master Admin'), divisionId: home }],
    createdBy: creator,
    dateCreated: epoch - 300 * DAY_MS,
    modifiedBy: creator,
    dateModified: epoch - 300 * DAY_MS,
  });
  return { divisions, roles, users, clients, grants, planted: { dormantAdminUserId, adminClientId, outOfBandUserId } };
}
