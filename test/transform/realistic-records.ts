/**
 * Hand-made audit records in the swagger (AuditLogMessage) and EventBridge (topic eventBody)
 * shapes, with PII planted in every kind of place a string can be: columns, property values,
 * message texts and params, context, entity changes, unknown fields, nested arrays and map keys,
 * in every format the simulator plants.
 */
import { createHash } from 'node:crypto';
import { REGION_PHONES } from './region-phones';

/** Planted emails: lower case, upper case, inside longer text, with a plus tag, mailto. */
export const PLANTED_EMAILS = [
  'jane.doe@example.com',
  'JANE.DOE@EXAMPLE.COM',
  'raj.patel@corp.example.org',
  'm.oconnor+audit@mail.example.co.uk',
  'ANNA.KOWALSKA@EXAMPLE.PL',
  'li.wei@example.cn',
  'carlos_ruiz@example.es',
];

/** Planted phones, each a different number so a leak names its format. */
export const PLANTED_PHONES = [
  '+14155550123',
  '+442079460958',
  '(555) 123-4567',
  '212-555-0187',
  '646.555.0142',
  '+44 20 7946 0321',
  '312 555 0199',
  '+1 617 555 0111',
  '1-303-555-0177',
  '+1 (702) 555-0164',
  '+33 1 84 88 12 34',
  // Every Genesys region's country: national, and international with 00 and 011 instead of '+'.
  ...REGION_PHONES.flatMap((p) => [p.national, `00 ${p.international.slice(1)}`, `011 ${p.international.slice(1)}`]),
];

export function uuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const email = (i: number) => PLANTED_EMAILS[i % PLANTED_EMAILS.length];
const phone = (i: number) => PLANTED_PHONES[i % PLANTED_PHONES.length];

function time(i: number, withMillis: boolean): string {
  const t = new Date(Date.UTC(2026, 10, 21, 0, 0, 0) + i * 7919).toISOString();
  return withMillis ? t : t.replace(/\.\d{3}Z$/, 'Z');
}

/** AuditLogMessage records as the audit query API returns them (expand=user). */
export function apiRecords(count: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const userId = uuid(`user-${i % 13}`);
    const entityId = uuid(`entity-${i}`);
    const base: Record<string, unknown> = {
      id: uuid(`api-${i}`),
      userHomeOrgId: uuid('org'),
      user: { id: userId, name: i % 4 === 0 ? email(i) : 'Jane Doe', selfUri: `/api/v2/users/${userId}` },
      client:
        i % 3 === 0
          ? { id: '' }
          : { id: uuid(`client-${i % 5}`), selfUri: `/api/v2/oauth/clients/${uuid(`client-${i % 5}`)}` },
      remoteIp: ['203.0.113.7', '10.24.0.15'],
      serviceName: i % 2 === 0 ? 'Directory' : 'PeoplePermissions',
      level: 'USER',
      eventDate: time(i, i % 2 === 0),
      message: {
        localizableMessageCode: 'USER_UPDATED',
        message: `User ${email(i + 1)} updated phone ${phone(i)}`,
        messageWithParams: 'User {email} updated phone {phone}',
        messageParams: { email: email(i + 1), phone: phone(i + 2), [email(i + 3)]: 'addressed' },
      },
      action: i % 5 === 0 ? 'SomeActionAddedNextYear' : 'Update',
      entity: { id: entityId, name: i % 3 === 0 ? phone(i + 3) : `Queue ${i}`, selfUri: `/api/v2/users/${entityId}` },
      entityType: 'User',
      status: i % 7 === 0 ? 'PARTIAL_SUCCESS' : 'SUCCESS',
      application: i % 2 === 0 ? '' : 'Genesys Cloud Admin UI',
      initiatingAction:
        i % 2 === 0 ? {} : { transactionId: uuid(`tx-${i}`), actionContext: `changed by ${email(i + 4)}` },
      transactionInitiator: i % 2 === 1,
      propertyChanges: [
        { property: 'email', oldValues: [email(i + 5)], newValues: [email(i + 6)] },
        { property: 'phoneNumbers', oldValues: [phone(i + 4), phone(i + 5)], newValues: [`Mobile: ${phone(i + 6)}`] },
        {
          property: 'addresses',
          oldValues: [],
          newValues: [`{"type":"WORK","address":"${email(i)}","mediaType":"EMAIL"}`],
        },
        { property: 'dateModified', oldValues: ['2021-05-31T09:44:53Z'], newValues: ['1622454293000'] },
      ],
      context: { reason: `Ticket from ${email(i + 2)}, call back on ${phone(i + 7)}`, ip: '198.51.100.23' },
      entityChanges: [
        {
          entityId,
          entityName: email(i + 3),
          entityType: 'User',
          oldValues: [phone(i + 8)],
          newValues: [phone(i + 9)],
        },
      ],
    };
    if (i % 6 === 0) {
      // Fields Genesys might add tomorrow, nested the way their other fields are.
      base.actorDetails = {
        contacts: [
          { kind: 'phone', value: phone(i + 10) },
          { kind: 'email', value: email(i + 5) },
        ],
        score: 0.7,
      };
      base.notifiedAddresses = [email(i + 6), phone(i + 1)];
    }
    out.push(base);
  }
  return out;
}

/** Topic eventBody records as EventBridge delivers them. */
export function topicRecords(count: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const entityId = uuid(`oauth-${i}`);
    const body: Record<string, unknown> = {
      id: uuid(`topic-${i}`),
      userId: uuid(`user-${i % 13}`),
      userHomeOrgId: uuid('org'),
      username: i % 2 === 0 ? { id: '' } : { id: uuid(`user-${i % 13}`), name: email(i) },
      userDisplay: i % 3 === 0 ? `Jane Doe <${email(i + 1)}>` : undefined,
      clientId: { id: entityId },
      remoteIp: ['203.0.113.9'],
      serviceName: 'PeoplePermissions',
      eventTime: time(i, i % 2 === 1),
      action: 'Delete',
      entityType: 'OAuthClient',
      entity: { id: entityId, name: `Client for ${phone(i)}` },
      message: { localizableMessageCode: 'OAUTH_DELETED', message: `Deleted by ${email(i + 2)}` },
      propertyChanges:
        i % 4 === 0
          ? undefined
          : [
              { property: 'deleted_on', newValues: ['2021-05-31T09:44:53Z'] },
              { property: 'scopes', oldValues: ['users', 'audits'] },
              { property: 'contactPhone', oldValues: [phone(i + 1)], newValues: [phone(i + 2)] },
            ],
      context: { note: `Requested via ${phone(i + 3)} by ${email(i + 4)}` },
    };
    if (body.userDisplay === undefined) delete body.userDisplay;
    if (body.propertyChanges === undefined) delete body.propertyChanges;
    out.push(body);
  }
  return out;
}

/**
 * For each planted value, the strings whose presence in the output is a leak of it: an email's
 * mailbox (compared in lower case); a phone as planted, its national digits and its last digits
 * as written.
 */
export function leakNeedles(): Map<string, string[]> {
  const needles = new Map<string, string[]>();
  for (const e of PLANTED_EMAILS) needles.set(e, [e.slice(0, e.indexOf('@')).toLowerCase()]);
  for (const p of PLANTED_PHONES) {
    const digits = p.replace(/\D/g, '');
    const nanp = digits.length === 10 || (digits.length === 11 && digits.startsWith('1'));
    const last = /\d{3}[ .-]?\d{4}$|\d{2} \d{2} \d{2}$/.exec(p);
    // The number without its first group (prefix, country or area code), as written.
    const rest = p.slice(p.search(/[ .\-/)]/) + 1).trim();
    const national = [nanp ? digits.slice(-10) : p.startsWith('+') ? digits.slice(2) : digits];
    needles.set(p, [
      p,
      ...national,
      ...(last ? [last[0]] : []),
      ...(rest.replace(/\D/g, '').length >= 6 ? [rest] : []),
    ]);
  }
  return needles;
}

/** The planted values of which some trace is found in `text`. */
export function leaksIn(text: string): string[] {
  const lower = text.toLowerCase();
  const found: string[] = [];
  for (const [planted, needles] of leakNeedles()) if (needles.some((n) => lower.includes(n))) found.push(planted);
  return found;
}
