import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';
import { REGION_COUNTRIES } from '../../src/genesys/regions';
import { ANOMALY_KINDS, Simulator, startSimulator } from '../../src/sim';
import { PHONE_COUNTRIES } from '../../src/sim/pii';
import { detect } from './detectors';
import { NOW, addDays } from './helpers';

// A copy of the reference enum lists (genesys-audit-enums.json), so CI has it.
const enums = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'genesys-audit-enums.json'), 'utf8')) as Record<
  string,
  Record<string, string[]>
>;

let sim: Simulator;
const today = NOW.slice(0, 10);

before(async () => {
  sim = await startSimulator({ seed: 'data-test', eventsPerDay: 600 });
  sim.setNow(NOW);
});
after(() => sim.close());

test('the same seed gives the same org and events; another seed gives others; days generate in any order', async () => {
  const day = addDays(today, -3);
  const twin = await startSimulator({ seed: 'data-test', eventsPerDay: 600 });
  const other = await startSimulator({ seed: 'another-seed', eventsPerDay: 600 });
  try {
    twin.setNow(NOW);
    other.setNow(NOW);
    // The twin generates other days first: a day depends on (seed, day) only.
    twin.truth(addDays(day, -1));
    twin.truth(addDays(day, 2));
    assert.deepEqual(twin.truth(day).eventIds, sim.truth(day).eventIds);
    assert.deepEqual(JSON.stringify(twin.events(day)), JSON.stringify(sim.events(day)));
    assert.equal(twin.orgId, sim.orgId);
    const mine = new Set(sim.truth(day).eventIds);
    assert.ok(
      other.truth(day).eventIds.every((id) => !mine.has(id)),
      'another seed shares no event id',
    );
    assert.notEqual(other.orgId, sim.orgId);
  } finally {
    await twin.close();
    await other.close();
  }
});

test('records look like real AuditLogMessages: fields, formats, enum values, unique UUIDs inside their day', () => {
  const day = addDays(today, -2);
  const events = sim.events(day);
  const known = enums['AuditTopicAuditLogMessage@HEAD'];
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const ids = new Set<string>();
  let last = '';
  for (const e of events) {
    assert.match(e.id!, uuid);
    assert.ok(!ids.has(e.id!), 'ids are unique');
    ids.add(e.id!);
    assert.match(e.eventDate!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(e.eventDate!.slice(0, 10), day);
    assert.ok(e.eventDate! >= last, 'ascending by eventDate');
    last = e.eventDate!;
    assert.ok(known.service_name.includes(e.serviceName!), e.serviceName);
    assert.ok(known.action.includes(e.action!), e.action);
    assert.ok(known.entity_type.includes(e.entityType!), e.entityType);
    assert.ok(['USER', 'SYSTEM', 'GENESYS_INTERNAL'].includes(e.level!));
    assert.ok(['SUCCESS', 'FAILURE', 'WARNING'].includes(e.status!));
    assert.equal(e.user!.selfUri, `/api/v2/users/${e.user!.id}`);
    assert.equal(e.user!.name, undefined, 'no user name without expand=user');
    assert.equal(typeof e.client!.id, 'string');
    assert.ok(Array.isArray(e.remoteIp) && Array.isArray(e.propertyChanges));
    assert.ok(
      e.message!.localizableMessageCode &&
        e.message!.message &&
        e.message!.messageWithParams &&
        e.message!.messageParams,
    );
    assert.equal(typeof e.transactionInitiator, 'boolean');
  }
  const services = new Set(events.map((e) => e.serviceName));
  assert.ok(services.size >= 25, `many services (${services.size})`);
  const withNames = sim.events(day, { expandUser: true });
  assert.ok(withNames.every((e) => typeof e.user!.name === 'string' && e.user!.name.length > 0));
});

test('volume follows eventsPerDay: weekdays near it, weekends lighter', () => {
  const counts = [0, 1, 2, 3, 4, 5, 6].map((i) => {
    const day = addDays('2026-03-09', i); // Monday..Sunday
    return sim.truth(day).eventIds.length;
  });
  for (const n of counts.slice(0, 5)) assert.ok(n > 600 * 0.85 && n < 600 * 1.6, `weekday volume ${n}`);
  for (const n of counts.slice(5)) assert.ok(n < 600 * 0.75, `weekend volume ${n}`);
});

test('known system users act at level SYSTEM; transactions group several audits under one initiator', () => {
  const day = addDays(today, -4);
  const truth = sim.truth(day);
  const events = sim.events(day);
  const system = events.filter((e) => truth.systemUserIds.includes(e.user!.id!));
  assert.ok(system.length >= 10, 'system users are active every day');
  assert.ok(system.every((e) => e.level === 'SYSTEM'));
  assert.ok(events.filter((e) => !truth.systemUserIds.includes(e.user!.id!)).every((e) => e.level !== 'SYSTEM'));
  const groups = new Map<string, typeof events>();
  for (const e of events) {
    const tx = e.initiatingAction?.transactionId;
    if (tx) groups.set(tx, [...(groups.get(tx) ?? []), e]);
  }
  const multi = [...groups.entries()].filter(([, g]) => g.length > 1);
  assert.ok(multi.length > 0, 'some audits share a transaction');
  for (const [tx, g] of multi) {
    const initiators = g.filter((e) => e.transactionInitiator);
    assert.equal(initiators.length, 1);
    assert.equal(initiators[0].id, tx, 'transactionId is the id of the initiating audit');
    assert.ok(g.every((e) => e.initiatingAction!.actionContext === initiators[0].action));
  }
});

test('anomalies: every day, the reference rules find exactly the planted events; normal days have none', () => {
  const days = Array.from({ length: 42 }, (_, i) => addDays(today, -42 + i));
  const listed = new Map(sim.anomalyDays({ from: days[0], to: days[days.length - 1] }).map((d) => [d.day, d]));
  let full = 0;
  let partial = 0;
  let normal = 0;
  for (const day of days) {
    const truth = sim.truth(day);
    const found = detect(sim.events(day));
    for (const kind of ANOMALY_KINDS) {
      const planted = truth.anomalies.filter((a) => a.kind === kind).flatMap((a) => a.eventIds);
      assert.deepEqual([...found[kind]].sort(), [...planted].sort(), `${day} ${kind}`);
    }
    assert.equal(truth.changeWindow.description, 'Saturdays 01:00-03:00 UTC');
    if (truth.dayKind === 'all-anomalies') {
      full++;
      assert.deepEqual(truth.anomalies.map((a) => a.kind).sort(), [...ANOMALY_KINDS].sort());
    } else if (truth.dayKind === 'anomalies') partial++;
    else {
      normal++;
      assert.equal(truth.anomalies.length, 0);
      assert.equal(listed.has(day), false);
    }
    if (truth.anomalies.length)
      assert.deepEqual(listed.get(day)!.kinds.sort(), truth.anomalies.map((a) => a.kind).sort());
    for (const a of truth.anomalies) {
      assert.ok(a.eventIds.length > 0 && a.from <= a.to && a.from.startsWith(day));
      assert.ok(a.eventIds.every((id) => truth.eventIds.includes(id)));
    }
  }
  assert.ok(full >= 5, `one all-anomalies day per week (${full} in 6 weeks)`);
  assert.ok(normal > full + partial, 'most days are normal');
  // The planted times are what the issue names: an admin grant outside the window, a burst.
  const fullDay = [...listed.values()].find((d) => d.full)!.day;
  const t = sim.truth(fullDay);
  const burst = t.anomalies.find((a) => a.kind === 'oauth_client_burst')!;
  assert.ok(Date.parse(burst.to) - Date.parse(burst.from) < 3_600_000 && burst.eventIds.length > 3);
  assert.ok(t.anomalies.find((a) => a.kind === 'after_hours_admin')!.from.slice(11, 13) >= '19');
});

test('the system-user trap: routine SYSTEM deletions would look like a spike if not excluded', () => {
  const day = addDays(today, -6);
  const events = sim.events(day);
  const systemDeletes = events.filter(
    (e) => e.entityType === 'Recording' && e.action === 'Delete' && e.level === 'SYSTEM',
  );
  assert.ok(systemDeletes.length >= 10);
});

/**
 * The countries a planted phone can be of, read by libphonenumber-js (its metadata, not the
 * simulator's templates): one for an international form, every country whose numbering plan
 * calls a national form valid (020 7946 0958 is an Irish number too).
 */
function plantedCountries(p: string): string[] {
  const international = p.replace(/^(?:00|011 )/, '+');
  if (international.startsWith('+')) {
    const phone = parsePhoneNumberFromString(international);
    return phone?.isValid() && phone.country ? [phone.country] : [];
  }
  const found: string[] = [];
  for (const country of PHONE_COUNTRIES) {
    const phone = parsePhoneNumberFromString(p, country as CountryCode);
    if (phone?.isValid() && phone.country && phone.formatNational().replace(/\D/g, '') === p.replace(/\D/g, ''))
      found.push(phone.country);
  }
  return found;
}

test('PII is planted in every format and place, each value recorded exactly as planted', () => {
  const day = addDays(today, -1);
  const truth = sim.truth(day);
  const events = sim.events(day, { expandUser: true });
  const text = JSON.stringify(events);
  // Every Genesys region's country, nationally and with +, 00 and 011; every number valid by the numbering plans.
  assert.deepEqual(
    [...new Set(Object.values(REGION_COUNTRIES))].sort(),
    [...PHONE_COUNTRIES].sort(),
    'a phone template per region country',
  );
  for (const country of PHONE_COUNTRIES) {
    const mine = truth.pii.phones.filter((p) => plantedCountries(p).includes(country));
    assert.ok(
      mine.some((p) => /^\+\d+ \d/.test(p)),
      `${country}: +<cc> and groups`,
    );
    assert.ok(
      mine.some((p) => /^\+\d+$/.test(p)),
      `${country}: E.164`,
    );
    assert.ok(
      mine.some((p) => /^00\d/.test(p)),
      `${country}: 00 prefix`,
    );
    assert.ok(
      mine.some((p) => /^011 /.test(p)),
      `${country}: 011 prefix`,
    );
    assert.ok(
      mine.some((p) => /^[(\d]/.test(p) && !/^0(?:0|11 )/.test(p)),
      `${country}: national`,
    );
  }
  for (const p of truth.pii.phones) {
    assert.ok(plantedCountries(p).length > 0, `a valid number: ${p}`);
    assert.ok(text.includes(p), `planted phone ${p} is in the records`);
  }
  assert.ok(
    truth.pii.phones.some((p) => /^\d{3}-\d{3}-\d{4}$/.test(p)) &&
      truth.pii.phones.some((p) => /^\d{3}\.\d{3}\.\d{4}$/.test(p)),
    'North American dashes and dots',
  );
  assert.ok(truth.pii.names.length > 10, 'names of people');
  for (const n of truth.pii.names) assert.ok(text.includes(n), `planted name ${n} is in the records`);
  assert.ok(
    truth.pii.emails.some((e) => /^[a-z0-9.]+@[a-z.]+$/.test(e)),
    'lower-case e-mail',
  );
  assert.ok(
    truth.pii.emails.some((e) => /^[A-Z0-9.]+@[A-Z.]+$/.test(e)),
    'upper-case e-mail',
  );
  for (const e of truth.pii.emails) {
    assert.ok(text.includes(e), `planted e-mail ${e} is in the records`);
    assert.match(e.toLowerCase(), /@(corp\.)?example\.(com|org|net)$/, 'reserved example domains only');
  }
  const values = (pick: (e: (typeof events)[number]) => string[]) => events.flatMap(pick).join('\n');
  const anyPii = (s: string) =>
    truth.pii.emails.some((e) => s.includes(e)) || truth.pii.phones.some((p) => s.includes(p));
  assert.ok(
    anyPii(values((e) => (e.propertyChanges ?? []).flatMap((c) => [...(c.oldValues ?? []), ...(c.newValues ?? [])]))),
    'in propertyChanges values',
  );
  assert.ok(anyPii(values((e) => Object.values(e.message?.messageParams ?? {}))), 'in message params');
  assert.ok(anyPii(values((e) => [e.entity?.name ?? ''])), 'in entity names');
  assert.ok(anyPii(values((e) => [e.user?.name ?? ''])), 'in user names (expand=user)');
  const anyName = (s: string) => truth.pii.names.some((n) => s.includes(n));
  assert.ok(anyName(values((e) => [e.user?.name ?? ''])), 'names in user names (expand=user)');
  assert.ok(anyName(values((e) => (e.entityType === 'User' ? [e.entity?.name ?? ''] : []))), 'names of user entities');
  assert.ok(anyName(values((e) => (e.entityType === 'Contact' ? [e.entity?.name ?? ''] : []))), 'names of contacts');
  assert.ok(anyName(values((e) => Object.values(e.message?.messageParams ?? {}))), 'names in message params');
  assert.ok(/(Contact|Escalate to|Owner:|Shared with) [a-z0-9.]+@/.test(text), 'an e-mail inside a longer string');
  // No bare digit runs that could be phone numbers without a prefix or separators.
  for (const p of truth.pii.phones) assert.ok(p.startsWith('+') || /[-. )]/.test(p));
});

test('an oversized audit (bulk data table import) is over the EventBridge limit; retention is one year', () => {
  const day = addDays(today, -5);
  const truth = sim.truth(day);
  assert.equal(truth.oversizedEventIds.length, 1);
  const big = sim.events(day).find((e) => e.id === truth.oversizedEventIds[0])!;
  assert.ok(JSON.stringify(big).length > 256 * 1024);
  assert.equal(sim.truth(addDays(today, -300)).retained, true);
  assert.equal(sim.truth(addDays(today, -400)).retained, false);
});
