import { AuditLogMessage, PropertyChange } from '../model/audit-log-message';
import { DAY_MS } from './clock';
import { EventIds, SimEvent } from './event';
import { Actor, Org } from './org';
import { PiiRecorder } from './pii';
import { Rng } from './prng';

/** An audit before it gets its id: what happened, who did it, when. */
export interface Draft {
  t: number;
  actor: Actor;
  service: string;
  entityType: string;
  action: string;
  entity: { id: string; name?: string };
  status?: 'SUCCESS' | 'FAILURE' | 'WARNING';
  propertyChanges?: PropertyChange[];
  /** Extra message params and the phrase that renders them, e.g. ` with {sharedWith}`. */
  params?: Record<string, string>;
  phrase?: string;
  context?: Record<string, string>;
  /** 'ui' (the Genesys Cloud UI), 'none' (client {id: ""}), or an OAuth client id. */
  client?: string;
  remoteIp?: string[];
  /** Audits written by the same action: they share the initiator's transaction. */
  related?: Draft[];
  oversized?: boolean;
  /** Filled in by finalize(). */
  id?: string;
}

const PAST: Record<string, string> = {
  Create: 'created',
  Update: 'updated',
  Delete: 'deleted',
  View: 'viewed',
  Download: 'downloaded',
  Upload: 'uploaded',
  MemberAdd: 'had a member added',
  MemberRemove: 'had a member removed',
  Authenticate: 'authenticated',
  AuthenticationFailed: 'failed to authenticate',
  Export: 'exported',
  Publish: 'published',
  Approve: 'approved',
  Reject: 'rejected',
  Enable: 'enabled',
  Disable: 'disabled',
  Assign: 'assigned',
  Unassign: 'unassigned',
};

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
const codes = new Map<string, string>();
function messageCode(entityType: string, action: string): string {
  const key = `${entityType}.${action}`;
  let code = codes.get(key);
  if (code === undefined) {
    code = `AUDIT_${snake(entityType)}_${snake(action)}`;
    codes.set(key, code);
  }
  return code;
}

/** Collects the drafts of one day and turns them into wire records with stable ids. */
export class DayBuilder {
  readonly drafts: Draft[] = [];
  readonly dayStart: number;

  constructor(
    readonly org: Org,
    readonly dayNum: number,
    readonly rng: Rng,
    readonly pii: PiiRecorder,
  ) {
    this.dayStart = dayNum * DAY_MS;
  }

  /** A time on this day: hour, minute, second, ms; fractions allowed for the hour. */
  at(hour: number, minute = 0, second = 0, ms = 0): number {
    return this.dayStart + Math.round(hour * 3_600_000) + minute * 60_000 + second * 1000 + ms;
  }

  /** A random time inside [fromHour, toHour). */
  between(fromHour: number, toHour: number): number {
    return this.dayStart + Math.floor(fromHour * 3_600_000 + this.rng.next() * (toHour - fromHour) * 3_600_000);
  }

  add(d: Draft): Draft {
    this.drafts.push(d);
    return d;
  }

  userIp(actor: Actor): string[] {
    if (actor.level === 'SYSTEM') return [];
    const n = parseInt(actor.id.slice(0, 4), 16);
    const own = actor.homeOrgId === this.org.id ? `203.0.113.${(n % 250) + 1}` : `198.51.100.${(n % 250) + 1}`;
    // A share of requests pass a proxy: remoteIp lists every hop.
    return n % 7 === 0 ? [own, `192.0.2.${(n % 200) + 10}`] : [own];
  }

  /** Assigns ids (in creation order, so they are stable) and builds the sorted events. */
  finalize(ids: EventIds): SimEvent[] {
    const flat: Array<{ d: Draft; initiator?: Draft }> = [];
    for (const d of this.drafts) {
      flat.push({ d, initiator: d.related?.length ? d : undefined });
      for (const r of d.related ?? []) flat.push({ d: r, initiator: d });
    }
    for (const { d } of flat) {
      d.id = ids.next(this.rng, this.dayNum);
      // Related audits are written milliseconds later: never let one spill into the next day.
      d.t = Math.min(Math.max(d.t, this.dayStart), this.dayStart + DAY_MS - 1);
    }
    const events = flat.map(({ d, initiator }) => this.toEvent(d, initiator));
    events.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return events;
  }

  private toEvent(d: Draft, initiator: Draft | undefined): SimEvent {
    const org = this.org;
    const actor = d.actor;
    // With expand=user (and in the stream's username) the display name is sent: planted PII.
    if (actor.nameIsEmail) this.pii.recordEmail(actor.name);
    else if (actor.person) this.pii.recordName(actor.name);
    // Names of people as entity names, message params and property values.
    const values = [
      d.entity.name,
      ...Object.values(d.params ?? {}),
      ...(d.propertyChanges ?? []).flatMap((c) => [...(c.oldValues ?? []), ...(c.newValues ?? [])]),
    ];
    for (const v of values) if (v !== undefined && org.personNames.has(v)) this.pii.recordName(v);
    const verb = PAST[d.action] ?? d.action.toLowerCase();
    const entityName = d.entity.name ?? d.entity.id;
    const params: Record<string, string> = d.params
      ? { entityType: d.entityType, entityName, ...d.params }
      : { entityType: d.entityType, entityName };
    const template = `{entityType} "{entityName}" ${verb}${d.phrase ?? ''}`;
    const phrase = d.phrase ? d.phrase.replace(/\{(\w+)\}/g, (m, k: string) => params[k] ?? m) : '';
    const message = `${d.entityType} "${entityName}" ${verb}${phrase}`;
    let client: { id: string; selfUri?: string };
    if (d.client === undefined || d.client === 'ui')
      client = { id: org.uiClientId, selfUri: `/api/v2/oauth/clients/${org.uiClientId}` };
    else if (d.client === 'none') client = { id: '' };
    else client = { id: d.client, selfUri: `/api/v2/oauth/clients/${d.client}` };
    if (actor.level === 'SYSTEM' && d.client === undefined) client = { id: '' };
    const transactionId = initiator?.id;
    const msg: AuditLogMessage = {
      id: d.id!,
      userHomeOrgId: actor.homeOrgId,
      user: { id: actor.id, selfUri: `/api/v2/users/${actor.id}` },
      client,
      remoteIp: d.remoteIp ?? this.userIp(actor),
      serviceName: d.service,
      level: actor.level,
      eventDate: new Date(d.t).toISOString(),
      message: {
        localizableMessageCode: messageCode(d.entityType, d.action),
        message,
        messageWithParams: template,
        messageParams: params,
      },
      action: d.action,
      entity: d.entity.name === undefined ? { id: d.entity.id } : { id: d.entity.id, name: d.entity.name },
      entityType: d.entityType,
      status: d.status ?? 'SUCCESS',
      application: client.id === org.uiClientId ? 'Genesys Cloud' : '',
      initiatingAction: initiator ? { transactionId: initiator.id, actionContext: initiator.action } : {},
      transactionInitiator: initiator !== undefined && initiator === d,
      propertyChanges: d.propertyChanges ?? [],
      context: d.context ?? {},
    };
    const r = this.rng;
    return {
      id: d.id!,
      time: d.t,
      day: this.dayNum,
      json: JSON.stringify(msg),
      userName: actor.name,
      userId: actor.id,
      homeOrgId: actor.homeOrgId,
      clientId: client.id,
      serviceName: d.service,
      action: d.action,
      entityType: d.entityType,
      entityId: d.entity.id,
      transactionId,
      lateRoll: r.next(),
      lateDelayMs: r.range(1, 8) * 3_600_000 + r.int(3_600_000),
      streamRoll: r.next(),
      arrivalDelayMs: 200 + r.int(20_000),
      oversized: d.oversized === true,
    };
  }
}
