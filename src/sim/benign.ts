import { AnomalyKind, LOW_RISK_PERMISSIONS, weekday } from './anomalies';
import { DayBuilder } from './builder';
import { Actor } from './org';

/**
 * Sensitive but normal activity, every day: role grants, OAuth client housekeeping, user
 * onboarding, recording exports, logins, and the known system users' routine work (retention
 * deletions at night, token expirations, SCIM sync). Kept inside business hours and under every
 * anomaly threshold, except the system users' work, which only a check that forgets to exclude
 * system users would flag (the trap the seed guide warns about).
 */
export function plantBenign(
  b: DayBuilder,
  eventsPerDay: number,
  diurnal: () => number,
  avoid: Partial<Record<AnomalyKind, string>> = {},
): void {
  const { rng, org } = b;
  // On an anomaly day, benign activity of the same kind stays away from the anomaly's user, so
  // that a correct check finds exactly the planted events (never one more inside its window).
  const not = (kind: AnomalyKind) => (u: Actor) => u.id !== avoid[kind];
  const wd = weekday(b.dayNum);
  const workday = wd >= 1 && wd <= 5;
  const nonAdmins = org.users.filter((u) => !u.admin);
  const office = () => b.between(8, 18);
  const admin = () => rng.pick(org.admins);

  if (workday) {
    for (let i = rng.range(0, 3); i > 0; i--) {
      const role = rng.pick(org.otherRoles());
      const grantee = rng.pick(nonAdmins);
      b.add({
        t: office(),
        actor: admin(),
        service: 'PeoplePermissions',
        entityType: 'Role',
        action: 'MemberAdd',
        entity: role,
        propertyChanges: [{ property: 'members', oldValues: [], newValues: [grantee.id] }],
      });
    }
    for (let i = rng.range(0, 2); i > 0; i--) {
      const role = rng.pick(org.roles);
      b.add({
        t: office(),
        actor: admin(),
        service: 'PeoplePermissions',
        entityType: 'Role',
        action: 'MemberRemove',
        entity: role,
        propertyChanges: [{ property: 'members', oldValues: [rng.pick(nonAdmins).id], newValues: [] }],
      });
    }
    for (let i = rng.range(0, 2); i > 0; i--) {
      const role = rng.pick(org.otherRoles());
      const had = LOW_RISK_PERMISSIONS.slice(0, 2);
      b.add({
        t: office(),
        actor: admin(),
        service: 'PeoplePermissions',
        entityType: 'Role',
        action: 'Update',
        entity: role,
        propertyChanges: [
          {
            property: 'permissionPolicies',
            oldValues: had,
            newValues: [...had, rng.pick(LOW_RISK_PERMISSIONS.slice(2))],
          },
        ],
      });
    }
    if (rng.chance(0.5)) {
      const client = rng.pick(org.oauthClients);
      b.add({
        t: office(),
        actor: admin(),
        service: 'PeoplePermissions',
        entityType: 'OAuthClient',
        action: 'Update',
        entity: client,
        propertyChanges: [
          {
            property: 'description',
            oldValues: [`${client.name}`],
            newValues: [`${client.name} (owner: platform team)`],
          },
        ],
      });
    }
    if (rng.chance(0.3)) {
      const name = `integration-${rng.hex8().slice(0, 4)}`;
      b.add({
        t: office(),
        actor: rng.pick(org.admins.filter(not('oauth_client_burst'))),
        service: 'PeoplePermissions',
        entityType: 'OAuthClient',
        action: 'Create',
        entity: { id: rng.uuid(), name },
        propertyChanges: [
          { property: 'name', oldValues: [], newValues: [name] },
          { property: 'authorizedGrantType', oldValues: [], newValues: ['CLIENT_CREDENTIALS'] },
        ],
      });
    }
    if (rng.chance(0.2)) {
      // The shape of Genesys' own EventBridge sample: a deleted client keeps its old scopes.
      b.add({
        t: office(),
        actor: admin(),
        service: 'PeoplePermissions',
        entityType: 'OAuthClient',
        action: 'Delete',
        entity: { id: rng.uuid(), name: 'My OAuth Client' },
        propertyChanges: [
          { property: 'deleted_on', newValues: [new Date(b.between(8, 18)).toISOString().slice(0, 19) + 'Z'] },
          { property: 'scopes', oldValues: ['users'] },
        ],
      });
    }
    for (let i = rng.range(0, 2); i > 0; i--) {
      const person = rng.pick(nonAdmins).person!;
      const id = rng.uuid();
      const creator = admin();
      const create = b.add({
        t: office(),
        actor: creator,
        service: 'Directory',
        entityType: 'User',
        action: 'Create',
        entity: { id, name: 'New Hire' },
        propertyChanges: [
          {
            property: 'email',
            oldValues: [],
            newValues: [b.pii.email({ ...person, email: `new.hire.${id.slice(0, 6)}@example.org` }, 'lower')],
          },
          { property: 'phoneNumbers', oldValues: [], newValues: [b.pii.phone(person)] },
          { property: 'roles', oldValues: [], newValues: [rng.pick(['Employee', 'Agent'])] },
        ],
      });
      // The same action writes a second audit: one transaction, two records (realtime/related).
      create.related = [
        {
          t: create.t + 40,
          actor: creator,
          service: 'Directory',
          entityType: 'User',
          action: 'Update',
          entity: { id, name: 'New Hire' },
          propertyChanges: [{ property: 'division', oldValues: [], newValues: ['Home'] }],
        },
      ];
    }
    // At most two deletions, by different admins, hours apart.
    const deleters = org.admins.filter(not('mass_user_deletion'));
    const deletions = rng.range(0, 2);
    for (let i = 0; i < deletions; i++) {
      const victim = org.leaver(rng.pick(nonAdmins), b.dayNum, `directory-${i}`);
      b.add({
        t: b.between(9 + i * 5, 12 + i * 5),
        actor: deleters[i],
        service: 'Directory',
        entityType: 'User',
        action: 'Delete',
        entity: { id: victim.id, name: victim.name },
        propertyChanges: [],
      });
    }
    for (let i = rng.range(0, 6); i > 0; i--) {
      b.add({
        t: office(),
        actor: rng.pick(nonAdmins.filter(not('recording_export_spike'))),
        service: 'Quality',
        entityType: 'Recording',
        action: rng.pick(['Export', 'Download']),
        entity: { id: rng.uuid() },
        context: { conversationId: rng.uuid() },
      });
    }
    for (let i = rng.range(0, 3); i > 0; i--) {
      b.add({
        t: office(),
        actor: rng.pick(nonAdmins.filter(not('recording_deletion_spike'))),
        service: 'Quality',
        entityType: 'Recording',
        action: 'Delete',
        entity: { id: rng.uuid() },
      });
    }
  }

  if (wd === 6) {
    // Planned admin work inside the change window: expected, never a finding.
    for (let i = rng.range(1, 2); i > 0; i--) {
      const role = rng.pick(org.adminRoles());
      b.add({
        t: b.between(1.1, 2.9),
        actor: admin(),
        service: 'PeoplePermissions',
        entityType: 'Role',
        action: 'MemberAdd',
        entity: role,
        propertyChanges: [{ property: 'members', oldValues: [], newValues: [rng.pick(nonAdmins).id] }],
      });
    }
  }

  // Known system users (level SYSTEM).
  const [platform, retention, scim, wfm] = org.systemUsers;
  const retentionStart = b.between(2, 2.25);
  for (let i = 0, n = rng.range(10, 40); i < n; i++) {
    b.add({
      t: retentionStart + i * 30_000 + rng.int(20_000),
      actor: retention,
      service: 'Quality',
      entityType: 'Recording',
      action: 'Delete',
      entity: { id: rng.uuid() },
      context: { policyName: 'Delete after 90 days' },
    });
  }
  for (let i = rng.range(5, 15); i > 0; i--) {
    b.add({
      t: b.between(0, 24),
      actor: platform,
      service: 'PeoplePermissions',
      entityType: 'AccessToken',
      action: 'Delete',
      entity: { id: rng.uuid() },
      context: { reason: 'expired' },
    });
  }
  for (let i = rng.range(2, 8); i > 0; i--) {
    const u = rng.pick(nonAdmins);
    b.add({
      t: b.between(3, 4),
      actor: scim,
      service: 'SCIM',
      entityType: 'User',
      action: 'Update',
      entity: { id: u.id, name: u.name },
      propertyChanges: [{ property: 'title', oldValues: ['Agent'], newValues: ['Senior Agent'] }],
    });
  }
  const scimDeletes = rng.range(0, 6);
  for (let i = 0; i < scimDeletes; i++) {
    const u = org.leaver(rng.pick(nonAdmins), b.dayNum, `scim-${i}`);
    b.add({
      t: b.at(3, 30, i * 20),
      actor: scim,
      service: 'SCIM',
      entityType: 'User',
      action: 'Delete',
      entity: { id: u.id, name: u.name },
    });
  }
  b.add({
    t: b.between(5, 6),
    actor: wfm,
    service: 'WorkforceManagement',
    entityType: 'Schedule',
    action: 'Publish',
    entity: rng.pick(org.pool('Schedule')),
  });
  if (rng.chance(0.3)) {
    b.add({
      t: b.between(0, 24),
      actor: org.internalUser,
      service: 'Supportability',
      entityType: 'EdgeLog',
      action: 'Download',
      entity: rng.pick(org.pool('EdgeLog')),
      client: 'none',
    });
  }
  for (let i = rng.range(0, 3); i > 0; i--) {
    b.add({
      t: office(),
      actor: rng.pick(org.trusteeUsers),
      service: 'ContentManagement',
      entityType: 'Document',
      action: 'View',
      entity: rng.pick(org.pool('Document')),
      client: 'none',
    });
  }

  // Logins: many successes; failures scattered, each against a different user.
  const logins = Math.round(eventsPerDay * 0.06);
  for (let i = 0; i < logins; i++) {
    const u: Actor = rng.pick(org.users);
    b.add({
      t: diurnal(),
      actor: u,
      service: 'PeoplePermissions',
      entityType: 'AuthUser',
      action: 'Authenticate',
      client: 'ui',
      entity: { id: u.id, name: b.pii.email(u.person!, 'lower') },
      context: { authType: rng.pick(['SAML', 'Basic']) },
    });
  }
  const failures = Math.min(nonAdmins.length - 1, Math.max(1, Math.round(eventsPerDay * 0.002)));
  const shuffled = nonAdmins.filter(not('auth_failure_spike'));
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  for (let i = 0; i < failures; i++) {
    const u = shuffled[i];
    b.add({
      t: diurnal(),
      actor: u,
      service: 'PeoplePermissions',
      entityType: 'AuthUser',
      action: 'AuthenticationFailed',
      status: 'FAILURE',
      client: 'none',
      entity: { id: u.id, name: b.pii.email(u.person!, 'lower') },
      context: { reason: 'invalid_credentials' },
    });
  }
}
