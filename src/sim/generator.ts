import { PropertyChange } from '../model/audit-log-message';
import { Anomaly, DayPlan, describePlanted, planDay, plantAnomalies, weekday } from './anomalies';
import { plantBenign } from './benign';
import { DayBuilder, Draft } from './builder';
import { BackgroundChoice, backgroundChoices } from './catalogue';
import { dayString } from './clock';
import { EventIds, SimEvent } from './event';
import { Actor, Org } from './org';
import { EMAIL_FORMATS, PHONE_COUNTRIES, PHONE_FORMATS, PiiRecorder, worldPhone } from './pii';
import { Rng, cumulative } from './prng';

export interface GeneratorOptions {
  seed: string;
  /** Weekday volume; weekends carry about 40 % of it. */
  eventsPerDay: number;
  /** Share of weekdays (besides the weekly full anomaly day) with a few anomalies. */
  anomalyDayShare: number;
  /** Audits over EventBridge's 256 KB limit per day (bulk data table imports). */
  oversizedPerDay: number;
  /** Core users of the org (default 120). */
  orgUsers?: number;
}

/** Everything known about one UTC day: its events, in eventDate order, and its ground truth. */
export interface DayData {
  dayNum: number;
  day: string;
  events: SimEvent[];
  byId: Map<string, SimEvent>;
  byTransaction: Map<string, SimEvent[]>;
  plan: DayPlan;
  anomalies: Anomaly[];
  pii: { emails: string[]; phones: string[]; names: string[] };
}

// Share of activity per UTC hour: a working day with a quiet night.
const HOUR_WEIGHTS = [
  0.2, 0.15, 0.15, 0.15, 0.2, 0.3, 0.6, 1.2, 2, 2.4, 2.4, 2.2, 1.8, 2.2, 2.4, 2.3, 2, 1.6, 1, 0.7, 0.5, 0.4, 0.3, 0.25,
];
const HOURS = HOUR_WEIGHTS.map((_, h) => h);

const GENERIC_PROPERTIES = [
  'name',
  'description',
  'enabled',
  'state',
  'version',
  'divisionId',
  'timeoutSeconds',
  'priority',
];

/** Generates one day from (seed, day) alone: any day, in any order, always the same. */
export class DayGenerator {
  readonly org: Org;
  readonly ids: EventIds;
  private readonly bg = backgroundChoices();
  private readonly bgCumulative = cumulative(this.bg.weights);

  constructor(readonly options: GeneratorOptions) {
    this.org = new Org(options.seed, options.orgUsers);
    this.ids = new EventIds(options.seed);
  }

  generate(dayNum: number): DayData {
    const { seed, eventsPerDay } = this.options;
    const rng = new Rng(seed, 'day', dayNum);
    const pii = new PiiRecorder(new Rng(seed, 'pii', dayNum));
    const b = new DayBuilder(this.org, dayNum, rng, pii);
    const diurnal = () => b.dayStart + rng.weighted(HOURS, HOUR_WEIGHTS) * 3_600_000 + rng.int(3_600_000);

    const wd = weekday(dayNum);
    const volume = Math.max(0, Math.round(eventsPerDay * (wd === 0 || wd === 6 ? 0.4 : 1) * (0.9 + rng.next() * 0.2)));
    const background = Math.max(0, volume - Math.round(eventsPerDay * 0.06));
    for (let i = 0; i < background; i++) this.background(b, diurnal());
    this.piiSamples(b);
    for (let i = 0; i < this.options.oversizedPerDay; i++) this.oversized(b, i);
    const plan = planDay(seed, dayNum, this.options.anomalyDayShare);
    const planted = plantAnomalies(b, plan.kinds);
    plantBenign(b, eventsPerDay, diurnal, Object.fromEntries(planted.map((p) => [p.kind, p.userId])));

    const events = b.finalize(this.ids);
    const byId = new Map<string, SimEvent>();
    const byTransaction = new Map<string, SimEvent[]>();
    for (const e of events) {
      byId.set(e.id, e);
      if (e.transactionId) {
        const group = byTransaction.get(e.transactionId);
        if (group) group.push(e);
        else byTransaction.set(e.transactionId, [e]);
      }
    }
    return {
      dayNum,
      day: dayString(dayNum),
      events,
      byId,
      byTransaction,
      plan,
      anomalies: describePlanted(planted),
      pii: { emails: [...pii.emails].sort(), phones: [...pii.phones].sort(), names: [...pii.names].sort() },
    };
  }

  private actor(rng: Rng): Actor {
    const r = rng.next();
    if (r < 0.004) return rng.pick(this.org.trusteeUsers);
    return rng.pick(this.org.users);
  }

  private background(b: DayBuilder, t: number): void {
    const { rng, org } = b;
    const c: BackgroundChoice = rng.weightedCumulative(this.bg.choices, this.bgCumulative);
    const actor = this.actor(rng);
    const d: Draft = {
      t,
      actor,
      service: c.service,
      entityType: c.entityType,
      action: c.action,
      entity: rng.pick(org.pool(c.entityType)),
      client: rng.chance(0.7) ? 'ui' : rng.chance(0.8) ? rng.pick(org.oauthClients).id : 'none',
    };
    if (c.entityType === 'User' || c.entityType === 'UserPresence' || c.entityType === 'AgentRoutingInfo') {
      const subject = rng.pick(org.users);
      d.entity = { id: subject.id, name: subject.name };
      if (c.service === 'Directory' && c.action === 'Update') {
        d.propertyChanges = rng.chance(0.5)
          ? [
              {
                property: 'email',
                oldValues: [b.pii.email(subject.person!, 'lower')],
                newValues: [b.pii.email(rng.pick(org.users).person!)],
              },
            ]
          : [
              {
                property: 'phoneNumbers',
                oldValues: [b.pii.phone(subject.person!)],
                newValues: [b.pii.phone(rng.pick(org.users).person!)],
              },
            ];
      } else {
        d.propertyChanges = this.genericChanges(rng, c.action, d.entity.name!);
      }
    } else if (c.entityType === 'Contact' && c.service === 'ExternalContacts') {
      const p = rng.pick(org.users).person!;
      d.entity = {
        id: rng.uuid(),
        name: `${p.first[0].toUpperCase()}${p.first.slice(1)} ${p.last[0].toUpperCase()}${p.last.slice(1)}`,
      };
      d.propertyChanges =
        c.action === 'View' || c.action === 'Delete'
          ? []
          : [
              { property: 'workEmail', oldValues: [], newValues: [b.pii.email(p)] },
              { property: 'cellPhone', oldValues: [], newValues: [b.pii.phone(p)] },
            ];
    } else {
      d.propertyChanges = this.genericChanges(rng, c.action, d.entity.name!);
    }
    if (c.action === 'MemberAdd' || c.action === 'MemberRemove') {
      const member = rng.pick(org.users).id;
      d.propertyChanges = [
        {
          property: 'members',
          oldValues: c.action === 'MemberRemove' ? [member] : [],
          newValues: c.action === 'MemberAdd' ? [member] : [],
        },
      ];
    }
    // Some actions write several audits (e.g. a queue update and its membership changes).
    if (c.action === 'Update' && rng.chance(0.08)) {
      d.related = [];
      for (let i = rng.range(1, 3); i > 0; i--) {
        d.related.push({
          t: t + rng.int(300),
          actor,
          service: c.service,
          entityType: c.entityType,
          action: 'Update',
          entity: rng.pick(org.pool(c.entityType)),
          client: d.client,
          propertyChanges: this.genericChanges(rng, 'Update', ''),
        });
      }
    }
    b.add(d);
  }

  private genericChanges(rng: Rng, action: string, name: string): PropertyChange[] {
    if (action === 'Create') return [{ property: 'name', oldValues: [], newValues: [name] }];
    if (action === 'Delete') return [{ property: 'name', oldValues: [name], newValues: [] }];
    if (action !== 'Update') return [];
    const out: PropertyChange[] = [];
    for (let i = rng.range(1, 2); i > 0; i--) {
      const property = rng.pick(GENERIC_PROPERTIES);
      const v = rng.int(40);
      out.push(
        property === 'enabled'
          ? { property, oldValues: [String(v % 2 === 0)], newValues: [String(v % 2 !== 0)] }
          : { property, oldValues: [`${property}-v${v}`], newValues: [`${property}-v${v + 1}`] },
      );
    }
    return out;
  }

  /** Every PII format in every place real audits carry it, every day (so tests always find them). */
  private piiSamples(b: DayBuilder): void {
    const { rng, org, pii } = b;
    const person = () => rng.pick(org.users);
    const office = () => b.between(8, 18);
    for (const format of PHONE_FORMATS) {
      const u = person();
      const v = person();
      // propertyChanges values
      b.add({
        t: office(),
        actor: person(),
        service: 'ExternalContacts',
        entityType: 'Contact',
        action: 'Update',
        entity: { id: rng.uuid(), name: u.name },
        propertyChanges: [
          {
            property: 'cellPhone',
            oldValues: [pii.phone(u.person!, format)],
            newValues: [pii.phone(v.person!, format)],
          },
        ],
      });
      // message params
      b.add({
        t: office(),
        actor: person(),
        service: 'Callback',
        entityType: 'Conversation',
        action: 'Create',
        entity: { id: rng.uuid() },
        params: { callbackNumber: pii.phone(u.person!, format) },
        phrase: ' for {callbackNumber}',
      });
      // entity names
      b.add({
        t: office(),
        actor: person(),
        service: 'Telephony',
        entityType: 'Phone',
        action: 'Update',
        entity: { id: rng.uuid(), name: `Desk phone ${pii.phone(v.person!, format)}` },
        propertyChanges: [{ property: 'state', oldValues: ['inactive'], newValues: ['active'] }],
      });
    }
    for (const format of EMAIL_FORMATS) {
      const u = person();
      b.add({
        t: office(),
        actor: person(),
        service: 'Directory',
        entityType: 'User',
        action: 'Update',
        entity: { id: u.id, name: u.name },
        propertyChanges: [
          {
            property: 'email',
            oldValues: [pii.email(u.person!, format)],
            newValues: [pii.email(person().person!, format)],
          },
        ],
        params: { userEmail: pii.email(u.person!, format) },
        phrase: ' (contact: {userEmail})',
      });
      b.add({
        t: office(),
        actor: person(),
        service: 'ContentManagement',
        entityType: 'Document',
        action: 'ShareAdd',
        entity: rng.pick(org.pool('Document')),
        params: { sharedWith: pii.email(person().person!, format) },
        phrase: ' with {sharedWith}',
      });
      const q = person();
      b.add({
        t: office(),
        actor: person(),
        service: 'Routing',
        entityType: 'Queue',
        action: 'Update',
        entity: { id: rng.pick(org.pool('Queue')).id, name: `Escalations ${pii.email(q.person!, format)}` },
        propertyChanges: [{ property: 'description', oldValues: [''], newValues: [pii.email(q.person!, 'embedded')] }],
      });
    }
    // Every Genesys region's country, national and international, in each place.
    for (const country of PHONE_COUNTRIES) {
      const phone = () => worldPhone(rng, country);
      b.add({
        t: office(),
        actor: person(),
        service: 'ExternalContacts',
        entityType: 'Contact',
        action: 'Update',
        entity: { id: rng.uuid(), name: person().name },
        propertyChanges: [
          {
            property: 'cellPhone',
            oldValues: [pii.phone(phone(), 'national')],
            newValues: [pii.phone(phone(), 'idd00')],
          },
          {
            property: 'phoneNumbers',
            oldValues: [pii.phone(phone(), 'e164')],
            newValues: [pii.phone(phone(), 'idd011'), pii.phone(phone(), 'international')],
          },
          // North America writes them with dashes and dots too.
          ...(phone().nanp
            ? [
                {
                  property: 'homePhone',
                  oldValues: [pii.phone(phone(), 'dash')],
                  newValues: [pii.phone(phone(), 'dot')],
                },
              ]
            : []),
        ],
      });
      b.add({
        t: office(),
        actor: person(),
        service: 'Callback',
        entityType: 'Conversation',
        action: 'Create',
        entity: { id: rng.uuid() },
        params: { callbackNumber: pii.phone(phone(), 'national'), alternateNumber: pii.phone(phone(), 'idd00') },
        phrase: ' for {callbackNumber} (or {alternateNumber})',
      });
      b.add({
        t: office(),
        actor: person(),
        service: 'Telephony',
        entityType: 'Phone',
        action: 'Update',
        entity: {
          id: rng.uuid(),
          name: `Desk phone ${pii.phone(phone(), 'national')}, line ${pii.phone(phone(), 'idd011')}`,
        },
        propertyChanges: [{ property: 'state', oldValues: ['inactive'], newValues: ['active'] }],
      });
    }
    // A DID is a phone number: its entity name is the number itself.
    b.add({
      t: office(),
      actor: rng.pick(org.admins),
      service: 'Telephony',
      entityType: 'DID',
      action: 'Assign',
      entity: { id: rng.uuid(), name: pii.phone(person().person!, 'e164') },
    });
  }

  /** A bulk data table import: one audit far over EventBridge's 256 KB limit. */
  private oversized(b: DayBuilder, i: number): void {
    const rows: string[] = [];
    const region = ['north', 'south', 'east', 'west'];
    for (let r = 0; r < 1800; r++) {
      rows.push(
        `{"key":"store-${i}-${r}","region":"${region[r % 4]}","open":"08:00","close":"20:00","queue":"Sales","notes":"imported by nightly sync job, batch ${i} row ${r}"}`,
      );
    }
    b.add({
      t: b.between(9, 17),
      actor: b.rng.pick(b.org.admins),
      service: 'Datatables',
      entityType: 'Bulk',
      action: 'Create',
      client: b.rng.pick(b.org.oauthClients).id,
      entity: { id: b.rng.uuid(), name: 'Store hours import' },
      propertyChanges: [{ property: 'rows', oldValues: [], newValues: rows }],
      oversized: true,
    });
  }
}
