/**
 * Three small orgs in one lake, for the access tests: `planted` (one of each access anomaly,
 * reconciled with audit events sealed through the day sealer), `normal` (every change explained,
 * nothing to find) and `blind` (the second snapshot could not read access_users).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../../src/config/config';
import { createSigner } from '../../src/lake/signing';
import { sealEvents } from '../evidence/sealed-lake';
import { freshLake } from '../harness/env';
import { lakeEvent } from '../harness/lake';
import { client, division, grant, role, Snapshot, user, writeSnapshot } from './snapshot-fixture';

export const SYSTEM_USER = 'u-svc';
export const D1 = '2026-05-04';
export const D2 = '2026-05-05';

export interface AccessLake {
  config: Config;
  s3: S3Client;
  orgs: { planted: string; normal: string; blind: string };
}

const divisions = [division('div-home', true)];
const roles = {
  admin: role('r-admin', 'Master Admin', ['*:*:*']),
  agent: role('r-agent', 'Agent', ['conversation:call:accept']),
  sup: role('r-sup', 'Supervisor', ['quality:evaluation:view']),
  supEdited: role('r-sup', 'Supervisor', ['quality:evaluation:view', 'quality:evaluation:edit']),
};
const recent = (day: string) => `${day}T08:00:00.000Z`;
const OLD = '2025-01-01T00:00:00.000Z';

export async function accessLake(prefix = 'acc'): Promise<AccessLake> {
  const orgs = { planted: `${prefix}-planted`, normal: `${prefix}-normal`, blind: `${prefix}-blind` };
  const { config, s3 } = await freshLake({
    GCAUDIT_ORG: orgs.planted,
    LAKE_RETENTION_DAYS: '1',
    LAKE_LOCK_MODE: 'GOVERNANCE',
    CHECKS_SYSTEM_USER_IDS: SYSTEM_USER,
  });
  const signer = createSigner(config.manifest.signingKey!);
  const lake = { config, s3 };
  const seal = (org: string, day: string, events: Parameters<typeof sealEvents>[2]) =>
    sealEvents({ config, s3, signer, org }, day, events);

  // planted: D1 -> D2. Explained: dave gains Master Admin (MemberAdd) and loses Agent
  // (MemberRemove), Supervisor gains a permission (Role Update). Planted: alice's Master Admin
  // grant with no event (out-of-band), a MemberAdd of erin whose grant is not in D2, erin made
  // inactive with no event, bob dormant since January with Master Admin, carol deleted with her
  // grant, the client-credentials client c-cc holding Master Admin, c-idle never used.
  const plantedUsers = (erinState: string): Snapshot['users'] => [
    user('u-admin', 'active', recent(D1)),
    user('u-alice', 'active', recent(D1)),
    user('u-bob', 'active', '2026-01-02T09:00:00.000Z'),
    user('u-carol', 'deleted', '2026-04-01T09:00:00.000Z'),
    user('u-dave', 'active', recent(D1)),
    user('u-erin', erinState, recent(D1)),
    user(SYSTEM_USER, 'active', null),
  ];
  const plantedClients = [
    client('c-cc', 'CLIENT_CREDENTIALS', ['r-admin'], OLD),
    client('c-int', 'CODE', ['r-agent'], OLD),
    client('c-idle', 'CLIENT_CREDENTIALS', [], OLD),
  ];
  const base = [
    grant('u-admin', 'r-admin'),
    grant('u-alice', 'r-agent'),
    grant('u-bob', 'r-admin'),
    grant('u-carol', 'r-agent'),
    grant(SYSTEM_USER, 'r-agent'),
    grant('c-cc', 'r-admin', 'oauth_client'),
    grant('c-int', 'r-agent', 'oauth_client'),
  ];
  await writeSnapshot(lake, orgs.planted, D1, {
    users: plantedUsers('active'),
    roles: [roles.admin, roles.agent, roles.sup],
    grants: [...base, grant('u-dave', 'r-agent')],
    clients: plantedClients,
    divisions,
  });
  await writeSnapshot(lake, orgs.planted, D2, {
    users: plantedUsers('inactive'),
    roles: [roles.admin, roles.agent, roles.supEdited],
    grants: [...base, grant('u-dave', 'r-admin'), grant('u-alice', 'r-admin')],
    clients: plantedClients,
    divisions,
  });
  await seal(orgs.planted, D1, [lakeEvent('p1-login', `${D1}T09:00:00.000Z`, { clientId: 'c-int', action: 'View' })]);
  await seal(orgs.planted, D2, [
    memberEvent('p2-add-dave', `${D2}T10:00:00.000Z`, 'MemberAdd', 'r-admin', 'Master Admin', 'u-dave'),
    memberEvent('p2-rm-dave', `${D2}T10:05:00.000Z`, 'MemberRemove', 'r-agent', 'Agent', 'u-dave'),
    memberEvent('p2-add-erin', `${D2}T11:00:00.000Z`, 'MemberAdd', 'r-agent', 'Agent', 'u-erin'),
    lakeEvent('p2-sup', `${D2}T12:00:00.000Z`, {
      entityId: 'r-sup',
      entityName: 'Supervisor',
      userId: 'u-admin',
      clientId: 'c-cc',
      propertyChanges: [
        {
          property: 'permissionPolicies',
          oldValues: ['quality:evaluation:view'],
          newValues: ['quality:evaluation:view', 'quality:evaluation:edit'],
        },
      ],
    }),
  ]);

  // normal: every difference explained, no standing anomaly.
  const normalUsers = (day: string, withNew: boolean) => [
    user('u-admin', 'active', recent(day)),
    user('u-dave', 'active', recent(day)),
    ...(withNew ? [user('u-new', 'active', null)] : []),
  ];
  const normalClients = (withNew: boolean) => [
    client('c-int', 'CODE', ['r-agent'], OLD),
    client('c-cc2', 'CLIENT_CREDENTIALS', ['r-agent'], OLD),
    ...(withNew ? [client('c-new', 'CLIENT_CREDENTIALS', [], `${D2}T13:00:00.000Z`)] : []),
  ];
  const normalGrants = [
    grant('u-admin', 'r-admin'),
    grant('c-int', 'r-agent', 'oauth_client'),
    grant('c-cc2', 'r-agent', 'oauth_client'),
  ];
  await writeSnapshot(lake, orgs.normal, D1, {
    users: normalUsers(D1, false),
    roles: [roles.admin, roles.agent, roles.sup],
    grants: normalGrants,
    clients: normalClients(false),
    divisions,
  });
  await writeSnapshot(lake, orgs.normal, D2, {
    users: normalUsers(D2, true),
    roles: [roles.admin, roles.agent, roles.supEdited],
    grants: [...normalGrants, grant('u-dave', 'r-agent')],
    clients: normalClients(true),
    divisions,
  });
  await seal(orgs.normal, D1, [lakeEvent('n1-view', `${D1}T09:00:00.000Z`, { clientId: 'c-cc2', action: 'View' })]);
  await seal(orgs.normal, D2, [
    {
      ...memberEvent('n2-add-dave', `${D2}T10:00:00.000Z`, 'MemberAdd', 'r-agent', 'Agent', 'u-dave'),
      clientId: 'c-int',
    },
    lakeEvent('n2-sup', `${D2}T11:00:00.000Z`, {
      entityId: 'r-sup',
      entityName: 'Supervisor',
      propertyChanges: [{ property: 'permissionPolicies', oldValues: ['a'], newValues: ['a', 'b'] }],
    }),
    lakeEvent('n2-new-user', `${D2}T12:00:00.000Z`, {
      serviceName: 'Directory',
      entityType: 'User',
      action: 'Create',
      entityId: 'u-new',
      entityName: null,
    }),
    lakeEvent('n2-new-client', `${D2}T13:00:00.000Z`, {
      entityType: 'OAuthClient',
      action: 'Create',
      entityId: 'c-new',
      entityName: 'client c-new',
      clientId: 'c-new',
    }),
  ]);

  // blind: the second snapshot could not read the users.
  await writeSnapshot(lake, orgs.blind, D1, {
    users: normalUsers(D1, false),
    roles: [roles.admin],
    grants: [grant('u-admin', 'r-admin'), grant('c-cc', 'r-admin', 'oauth_client')],
    clients: [client('c-cc', 'CLIENT_CREDENTIALS', ['r-admin'], OLD)],
    divisions,
  });
  await writeSnapshot(lake, orgs.blind, D2, {
    roles: [roles.admin],
    grants: [grant('u-admin', 'r-admin'), grant('c-cc', 'r-admin', 'oauth_client')],
    clients: [client('c-cc', 'CLIENT_CREDENTIALS', ['r-admin'], OLD)],
    divisions,
    unreadable: { access_users: 'directory:user:view' },
  });
  return { config, s3, orgs };
}

function memberEvent(id: string, time: string, action: string, roleId: string, roleName: string, member: string) {
  return lakeEvent(id, time, {
    action,
    entityId: roleId,
    entityName: roleName,
    userId: 'u-admin',
    propertyChanges: [
      action === 'MemberAdd'
        ? { property: 'members', oldValues: [], newValues: [member] }
        : { property: 'members', oldValues: [member], newValues: [] },
    ],
  });
}
