/**
 * Synthetic audit records shaped like real traffic for the transform benchmark: mostly
 * configuration changes with a few property changes, ids everywhere, PII in a minority of strings.
 * Deterministic (a fixed-seed generator), so runs compare.
 */

const SERVICES = [
  'PeoplePermissions',
  'Directory',
  'Architect',
  'Routing',
  'Quality',
  'Integrations',
  'Presence',
  'Outbound',
];
const ACTIONS = ['Update', 'Create', 'Delete', 'Add', 'Remove', 'Authorize', 'Read', 'Execute'];
const ENTITY_TYPES = ['User', 'Role', 'OAuthClient', 'Queue', 'Flow', 'Group', 'Integration', 'DID'];
const PROPERTIES = [
  'name',
  'description',
  'state',
  'roles',
  'divisionId',
  'email',
  'phoneNumbers',
  'skills',
  'dateModified',
  'enabled',
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 0x100000000;
  };
}

export function syntheticApiRecords(count: number, seed = 1): Record<string, unknown>[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const hex = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
    return s;
  };
  const id = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const email = () =>
    `${pick(['jane.doe', 'raj.patel', 'li.wei', 'ANNA.K'])}${Math.floor(r() * 1000)}@${pick(['example.com', 'CORP.EXAMPLE.ORG'])}`;
  const phone = () =>
    pick([
      `+1415555${1000 + Math.floor(r() * 8999)}`,
      `(555) 123-${1000 + Math.floor(r() * 8999)}`,
      '+44 20 7946 0958',
    ]);
  const value = (property: string): string => {
    if (property === 'email') return email();
    if (property === 'phoneNumbers') return phone();
    if (property === 'dateModified') return new Date(1.7e12 + r() * 1e10).toISOString();
    if (property === 'enabled') return r() < 0.5 ? 'true' : 'false';
    if (property === 'roles' || property === 'divisionId' || property === 'skills') return id();
    return `${pick(['Support', 'Sales', 'Billing', 'Escalations'])} ${pick(['queue', 'team', 'flow'])} ${Math.floor(r() * 100)}`;
  };

  const records: Record<string, unknown>[] = [];
  const start = Date.UTC(2026, 10, 21);
  for (let i = 0; i < count; i++) {
    const userId = id();
    const entityId = id();
    const changes = [];
    const nChanges = Math.floor(r() * r() * 6); // mostly 0-2, sometimes 5
    for (let c = 0; c < nChanges; c++) {
      const property = pick(PROPERTIES);
      changes.push({
        property,
        oldValues: r() < 0.3 ? [] : [value(property)],
        newValues: r() < 0.2 ? [value(property), value(property)] : [value(property)],
      });
    }
    const record: Record<string, unknown> = {
      id: id(),
      userHomeOrgId: '23faea37-1117-4c0a-88a2-572c46780b03',
      user: { id: userId, name: r() < 0.1 ? email() : 'Jane Doe', selfUri: `/api/v2/users/${userId}` },
      client: r() < 0.3 ? { id: '' } : { id: id(), selfUri: '/api/v2/oauth/clients/x' },
      remoteIp: ['203.0.113.7'],
      serviceName: pick(SERVICES),
      level: r() < 0.9 ? 'USER' : 'SYSTEM',
      eventDate: new Date(start + i * 37).toISOString(),
      message: {
        localizableMessageCode: 'AUDIT_MESSAGE',
        message: 'Entity updated',
        messageWithParams: 'Entity {0} updated',
        messageParams: { '0': entityId },
      },
      action: pick(ACTIONS),
      entity: { id: entityId, name: r() < 0.05 ? phone() : `Entity ${i}`, selfUri: `/api/v2/things/${entityId}` },
      entityType: pick(ENTITY_TYPES),
      status: 'SUCCESS',
      application: r() < 0.5 ? '' : 'Genesys Cloud Admin UI',
      initiatingAction: r() < 0.5 ? {} : { transactionId: id(), actionContext: 'bulk' },
      transactionInitiator: r() < 0.5,
      propertyChanges: changes,
      context: r() < 0.3 ? { reason: `requested by ${email()}` } : {},
    };
    records.push(record);
  }
  return records;
}
