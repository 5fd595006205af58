import { AuditLogMessage } from '../model/audit-log-message';
import { Rng, formatUuid, mix32 } from './prng';

/**
 * One simulated audit. The wire record is serialized once, at generation, and kept only as
 * JSON: a results page is a join of these strings, and a cached day holds flat strings rather
 * than object graphs (which keeps the garbage collector out of the serving path). The fields a
 * query filters on are kept beside it.
 */
export interface SimEvent {
  id: string;
  /** eventDate, ms since epoch. */
  time: number;
  day: number;
  /** The AuditLogMessage without `user.name` (added only for expand=user). */
  json: string;
  jsonExpanded?: string;
  userName: string;
  userId: string;
  homeOrgId: string;
  clientId: string;
  serviceName: string;
  action: string;
  entityType: string;
  entityId: string;
  transactionId?: string;
  /** Uniform draws fixed at generation, so fault shares pick the same events every time. */
  lateRoll: number;
  lateDelayMs: number;
  streamRoll: number;
  arrivalDelayMs: number;
  oversized: boolean;
}

export function eventJson(e: SimEvent, expandUser: boolean): string {
  if (!expandUser) return e.json;
  if (e.jsonExpanded === undefined) {
    // Key order as Genesys sends it: user {id, name, selfUri}.
    const at = `"user":{"id":${JSON.stringify(e.userId)},`;
    e.jsonExpanded = e.json.replace(at, `${at}"name":${JSON.stringify(e.userName)},`);
  }
  return e.jsonExpanded;
}

/** The wire record as an object (parsed from its JSON: for tests, truth and the stream). */
export function eventMessage(e: SimEvent, expandUser = false): AuditLogMessage {
  return JSON.parse(eventJson(e, expandUser)) as AuditLogMessage;
}

/**
 * Event ids are random-looking v4 UUIDs that also encode their UTC day: the low 20 bits of the
 * last group are the day number masked by a hash of the first group. That lets
 * `realtime/related` find any audit by id without an index over a year of data.
 */
export class EventIds {
  private readonly key: number;

  constructor(seed: string) {
    this.key = new Rng(seed, 'event-id-key').u32();
  }

  next(rng: Rng, dayNum: number): string {
    const w0 = rng.u32();
    const w1 = rng.u32();
    const w2 = rng.u32();
    const w3 = rng.u32();
    const low = (dayNum ^ mix32(w0 ^ this.key)) & 0xfffff;
    return formatUuid(w0, w1, w2, ((w3 & 0xfff00000) | low) >>> 0);
  }

  /** The day an id was minted for, or undefined when it cannot be one of ours. */
  dayOf(id: string): number | undefined {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) return undefined;
    const w0 = parseInt(id.slice(0, 8), 16);
    const w3 = parseInt(id.slice(28, 36), 16);
    return ((w3 & 0xfffff) ^ mix32(w0 ^ this.key)) & 0xfffff;
  }
}
