import { Person, newPerson } from './pii';
import { Rng, stableUuid } from './prng';

/** Someone (or something) that performs audited actions. */
export interface Actor {
  id: string;
  name: string;
  level: 'USER' | 'SYSTEM' | 'GENESYS_INTERNAL';
  homeOrgId: string;
  person?: Person;
  /** The user's display name is an e-mail address (planted PII when expand=user). */
  nameIsEmail?: boolean;
  admin?: boolean;
}

export interface NamedEntity {
  id: string;
  name: string;
}

const FIRST = [
  'jane',
  'john',
  'maria',
  'wei',
  'aisha',
  'carlos',
  'olivia',
  'liam',
  'fatima',
  'noah',
  'yuki',
  'emma',
  'ravi',
  'sofia',
  'lucas',
  'amara',
  'ethan',
  'chloe',
  'mateo',
  'zara',
  'omar',
  'hannah',
  'diego',
  'priya',
];
const LAST = [
  'doe',
  'smith',
  'garcia',
  'chen',
  'khan',
  'silva',
  'brown',
  'murphy',
  'ali',
  'johnson',
  'tanaka',
  'wilson',
  'patel',
  'rossi',
  'martin',
  'okafor',
  'clark',
  'dubois',
  'lopez',
  'nguyen',
  'haddad',
  'schmidt',
  'ortiz',
  'sharma',
];

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

export const ADMIN_ROLES = ['Master Admin', 'Admin', 'Telephony Admin', 'Division Admin'];
export const OTHER_ROLES = [
  'Employee',
  'Agent',
  'Supervisor',
  'Quality Evaluator',
  'Reporting Analyst',
  'Communicate - User',
  'Architect Designer',
];

/**
 * The sandbox org: its users (with names, e-mails and phone numbers), known system users,
 * trustee users from a partner org, roles, OAuth clients and pools of configuration entities.
 * All of it is derived from the seed, so ids stay stable across restarts.
 */
export class Org {
  readonly id: string;
  readonly name = 'Sandbox Org';
  readonly trusteeOrgId: string;
  readonly users: Actor[] = [];
  readonly admins: Actor[] = [];
  readonly systemUsers: Actor[];
  readonly trusteeUsers: Actor[];
  readonly internalUser: Actor;
  readonly roles: Array<NamedEntity & { admin: boolean }>;
  readonly oauthClients: NamedEntity[];
  /** Id the Genesys Cloud UI shows up as (audits from the UI carry client {id: ""} too). */
  readonly uiClientId: string;
  /** Every user's name as "First Last" (the display name, unless it is an e-mail address; contacts' names too). */
  readonly personNames = new Set<string>();
  private readonly pools = new Map<string, NamedEntity[]>();

  constructor(
    readonly seed: string,
    /** Core users (the people who act in the audit trail); 5,000 for a large org's snapshot. */
    userCount = 120,
  ) {
    const rng = new Rng(seed, 'org');
    this.id = stableUuid(seed, 'org');
    this.trusteeOrgId = stableUuid(seed, 'trustee-org');
    for (let i = 0; i < userCount; i++) {
      const first = FIRST[i % FIRST.length];
      const last = LAST[(i * 7 + Math.floor(i / FIRST.length)) % LAST.length];
      const person = newPerson(rng, first, last, i);
      // Some orgs name users by their e-mail address; a few are upper-case (SSO imports).
      const nameIsEmail = i % 11 === 5;
      const name = nameIsEmail
        ? i % 2 === 0
          ? person.email.toUpperCase()
          : person.email
        : `${cap(first)} ${cap(last)}`;
      const user: Actor = {
        id: stableUuid(seed, 'user', i),
        name,
        level: 'USER',
        homeOrgId: this.id,
        person,
        nameIsEmail,
        admin: i < 8,
      };
      this.personNames.add(`${cap(first)} ${cap(last)}`);
      this.users.push(user);
      if (user.admin) this.admins.push(user);
    }
    const system = (key: string, name: string): Actor => ({
      id: stableUuid(seed, 'system-user', key),
      name,
      level: 'SYSTEM',
      homeOrgId: this.id,
    });
    this.systemUsers = [
      system('platform', 'Genesys Cloud System'),
      system('retention', 'Recording Retention Policy'),
      system('scim', 'SCIM Provisioning'),
      system('wfm', 'WFM Scheduler'),
    ];
    this.trusteeUsers = [0, 1].map((i) => ({
      id: stableUuid(seed, 'trustee-user', i),
      name: `Partner Support ${i + 1}`,
      level: 'USER' as const,
      homeOrgId: this.trusteeOrgId,
    }));
    this.internalUser = {
      id: stableUuid(seed, 'genesys-internal'),
      name: 'Genesys Cloud Operations',
      level: 'GENESYS_INTERNAL',
      homeOrgId: this.id,
    };
    this.roles = [
      ...ADMIN_ROLES.map((n) => ({ n, admin: true })),
      ...OTHER_ROLES.map((n) => ({ n, admin: false })),
    ].map(({ n, admin }) => ({
      id: stableUuid(seed, 'role', n),
      name: n,
      admin,
    }));
    this.oauthClients = [
      'Audit Lake Collector',
      'WEM Connector',
      'CRM Sync',
      'Data Actions',
      'Reporting Export',
      'Chat Widget Backend',
    ].map((n) => ({
      id: stableUuid(seed, 'oauth-client', n),
      name: n,
    }));
    this.uiClientId = stableUuid(seed, 'oauth-client', 'Genesys Cloud UI');
  }

  /**
   * The account a user deletion removes: a leaver, never one of the core users (who go on
   * acting in the audit trail). It has the name and contact details of `like` (namesakes are
   * real; it keeps the planted personal data of the day as it was) and an id of its own, stable
   * for (day, slot).
   */
  leaver(like: Actor, dayNum: number, slot: string): Actor {
    return { ...like, id: stableUuid(this.seed, 'leaver', dayNum, slot), admin: false };
  }

  adminRoles(): Array<NamedEntity & { admin: boolean }> {
    return this.roles.filter((r) => r.admin);
  }

  otherRoles(): Array<NamedEntity & { admin: boolean }> {
    return this.roles.filter((r) => !r.admin);
  }

  /** A stable pool of entities of a type (queues, flows, ...), created on first use. */
  pool(entityType: string): NamedEntity[] {
    let pool = this.pools.get(entityType);
    if (!pool) {
      const size = 24;
      pool = [];
      for (let k = 0; k < size; k++)
        pool.push({ id: stableUuid(this.seed, 'entity', entityType, k), name: entityName(entityType, k) });
      this.pools.set(entityType, pool);
    }
    return pool;
  }
}

const NAMED: Record<string, string[]> = {
  Queue: ['Sales', 'Support Tier 1', 'Support Tier 2', 'Billing', 'Retention', 'VIP', 'Claims', 'Collections'],
  Flow: ['Main IVR', 'After Hours', 'Callback Offer', 'Survey Flow', 'Chat Bot', 'Email Routing'],
  Site: ['Dublin', 'Denver', 'Sydney', 'Frankfurt'],
  Team: ['Blue Team', 'Night Shift', 'Onboarding'],
  WrapupCode: ['Resolved', 'Escalated', 'Callback Scheduled', 'Wrong Number'],
  Integration: ['Salesforce', 'Zendesk', 'Microsoft Teams', 'AWS Lambda', 'Slack'],
  Campaign: ['Renewals Q1', 'Win-back', 'Appointment Reminders'],
};

function entityName(entityType: string, k: number): string {
  const names = NAMED[entityType];
  if (names) return k < names.length ? names[k] : `${names[k % names.length]} ${Math.floor(k / names.length) + 1}`;
  // Split CamelCase for a readable default: "EvaluationForm 3" -> "Evaluation Form 3".
  return `${entityType.replace(/([a-z])([A-Z])/g, '$1 $2')} ${k + 1}`;
}
