import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBConnection } from '@duckdb/node-api';
import { openDuckDb } from '../../src/lake/duckdb';
import { OCSF_CLASSES, OcsfClassName } from '../../src/ocsf/classes';
import { readOcsfParquet, writeOcsfParquet } from '../../src/ocsf/export-day';
import { mapEvent, MapContext, OcsfSourceEvent } from '../../src/ocsf/mapping';
import { CATALOGUE } from '../../src/sim/catalogue';
import { validateOcsf } from './schema-check';

let db: { connection: DuckDBConnection; close(): void };
let dir: string;
before(async () => {
  db = await openDuckDb({ threads: 1 });
  dir = mkdtempSync(path.join(tmpdir(), 'ocsf-map-'));
});
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const ctx: MapContext = { org: 'acme', genesysRegion: 'mypurecloud.ie' };
let n = 0;
function source(overrides: Partial<OcsfSourceEvent>): OcsfSourceEvent {
  n++;
  return {
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    eventTime: `2026-11-21T${String(n % 24).padStart(2, '0')}:15:00.123Z`,
    serviceName: 'Architect',
    level: 'USER',
    action: 'Update',
    status: 'SUCCESS',
    entityType: 'Flow',
    entityId: 'ent-1',
    entityName: 'Main IVR',
    userId: 'user-1',
    userName: 'Jane Doe',
    clientId: 'client-1',
    remoteIp: '203.0.113.7',
    transactionId: 'tx-1',
    source: 'api',
    changes: [],
    extra: null,
    ...overrides,
  };
}

/** Every service, entity type and action of the simulator's catalogue (background and controlled), in every shape a source gives. */
function everyKind(): OcsfSourceEvent[] {
  const events: OcsfSourceEvent[] = [];
  for (const s of CATALOGUE) {
    for (const e of s.entities) {
      for (const action of e.actions) {
        const base = { serviceName: s.name, entityType: e.name, action };
        events.push(source(base));
        // The stream's shape: no status; a system event without user or client; changes and extra fields; several addresses.
        events.push(
          source({
            ...base,
            status: null,
            source: 'stream',
            userId: null,
            userName: null,
            clientId: null,
            remoteIp: null,
            transactionId: null,
          }),
        );
        events.push(
          source({
            ...base,
            status: action === 'AuthenticationFailed' ? 'FAILURE' : 'WARNING',
            remoteIp: '198.51.100.1, 2001:db8::1',
            changes: [
              { property: 'name', oldValue: 'a', newValue: 'b' },
              { property: 'permissions', oldValue: null, newValue: '["x","y"]' },
            ],
            extra: JSON.stringify({
              message: { message: `${e.name} changed`, localizableMessageCode: 'X' },
              context: { k: 'v' },
              newField: 1,
            }),
          }),
        );
      }
    }
  }
  // An event without any entity, and unknown values (Genesys enums grow: data, not errors).
  events.push(source({ entityType: null, entityId: null, entityName: null, action: 'Execute' }));
  events.push(
    source({
      serviceName: 'BrandNewService',
      entityType: 'Gizmo',
      action: 'Frobnicate',
      status: 'PARTIAL',
      level: 'GENESYS_INTERNAL',
    }),
  );
  return events;
}

async function roundTrip(
  events: OcsfSourceEvent[],
): Promise<{ mapped: Map<OcsfClassName, Array<Record<string, unknown>>>; parquet: Array<Record<string, unknown>> }> {
  const mapped = new Map<OcsfClassName, Array<Record<string, unknown>>>();
  for (const e of events) {
    const m = mapEvent(e, ctx);
    mapped.set(m.className, [...(mapped.get(m.className) ?? []), m.event]);
  }
  const parquet: Array<Record<string, unknown>> = [];
  for (const [className, list] of mapped) {
    const file = path.join(dir, `${className}-${n}.parquet`);
    await writeOcsfParquet(
      db.connection,
      className,
      list.map((e) => JSON.stringify(e)),
      file,
    );
    parquet.push(...(await readOcsfParquet(db.connection, file)));
  }
  return { mapped, parquet };
}

const sortKeys = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sortKeys)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, x]) => [k, sortKeys(x)]),
        )
      : v;

test('every event kind the simulator generates maps to OCSF 1.1 that the OCSF schema accepts, as written to Parquet and read back', async () => {
  const events = everyKind();
  const { mapped, parquet } = await roundTrip(events);
  assert.equal(parquet.length, events.length, 'every event is in a Parquet file: none dropped');
  const report = validateOcsf(parquet);
  assert.equal(report.events, events.length);
  assert.deepEqual(report.errors.slice(0, 10), [], `${report.errors.length} schema errors`);
  assert.deepEqual(Object.keys(report.classes).sort(), [
    'account_change',
    'api_activity',
    'authentication',
    'entity_management',
  ]);

  // The Parquet copy holds exactly what the mapping made (nothing lost to the fixed column types).
  const byUid = new Map(parquet.map((e) => [(e.metadata as { uid: string }).uid, e]));
  for (const list of mapped.values()) {
    for (const e of list) assert.deepEqual(sortKeys(byUid.get((e.metadata as { uid: string }).uid)), sortKeys(e));
  }
  const counts = Object.fromEntries([...mapped].map(([k, v]) => [k, v.length]));
  const specific = events.length - (counts.apiActivity ?? 0);
  console.log(
    `OCSF coverage of the catalogue's kinds: ${specific}/${events.length} events in a specific class`,
    counts,
  );
});

test('the schema check is real: a wrong enum value, a missing required object or an attribute OCSF does not have is rejected', () => {
  const good = mapEvent(source({}), ctx).event;
  const bad = [
    { ...good, activity_id: 42, type_uid: 300442 },
    Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'entity')),
    { ...good, genesys_level: 'USER' },
    { ...good, metadata: { ...(good.metadata as object), version: '9.9.9' } },
  ];
  const report = validateOcsf(bad);
  const lines = new Set(report.errors.map((e) => e.line));
  assert.deepEqual([...lines].sort(), [0, 1, 2, 3], JSON.stringify(report.errors));
  assert.equal(validateOcsf([good]).errors.length, 0);
});

test('each class is one Security Lake custom source, its name short enough for the provider role (at most 20 characters)', () => {
  for (const c of Object.values(OCSF_CLASSES)) assert.match(c.source, /^[a-z0-9-]{1,20}$/, c.source);
  assert.equal(new Set(Object.values(OCSF_CLASSES).map((c) => c.source)).size, 4);
});

test('classes: sign-ins are Authentication, user lifecycle and passwords Account Change, configuration Entity Management, the rest API Activity', () => {
  const cls = (o: Partial<OcsfSourceEvent>) => mapEvent(source(o), ctx);
  const login = cls({
    serviceName: 'PeoplePermissions',
    entityType: 'AuthUser',
    action: 'Authenticate',
    entityId: 'user-9',
    userId: 'user-9',
  });
  assert.equal(login.className, 'authentication');
  assert.equal(login.event.type_uid, 300201);
  const failed = cls({
    serviceName: 'PeoplePermissions',
    entityType: 'AuthUser',
    action: 'AuthenticationFailed',
    status: null,
  });
  assert.equal(failed.event.status_id, 2, 'a failed sign-in is a Failure even when the stream carries no status');
  const created = cls({
    serviceName: 'Directory',
    entityType: 'User',
    action: 'Create',
    entityId: 'u-new',
    entityName: 'New Hire',
  });
  assert.equal(created.className, 'accountChange');
  assert.deepEqual([created.event.activity_id, created.event.user], [1, { uid: 'u-new', name: 'New Hire' }]);
  assert.equal(cls({ serviceName: 'SCIM', entityType: 'User', action: 'Delete' }).event.type_uid, 300106);
  assert.equal(cls({ serviceName: 'Directory', entityType: 'User', action: 'ChangePassword' }).event.activity_id, 3);
  const role = cls({
    serviceName: 'PeoplePermissions',
    entityType: 'Role',
    action: 'Update',
    changes: [{ property: 'permissions', oldValue: 'a', newValue: 'b' }],
  });
  assert.equal(role.className, 'entityManagement');
  assert.deepEqual(role.event.entity_result, {
    uid: 'ent-1',
    name: 'Main IVR',
    type: 'Role',
    data: '[{"property":"permissions","value":"b"}]',
  });
  const exported = cls({ serviceName: 'Quality', entityType: 'Recording', action: 'Export' });
  assert.deepEqual([exported.className, exported.event.activity_id], ['apiActivity', 2]);
  const unknown = cls({ action: 'Frobnicate' });
  assert.deepEqual(
    [unknown.className, unknown.event.activity_id, unknown.event.activity_name],
    ['entityManagement', 99, 'Frobnicate'],
  );
  // Nothing without a home is dropped: the level, the source, every extra field and (Entity Management has no src_endpoint) the address are in unmapped.
  const extra = JSON.stringify({ context: { reason: 'expired' } });
  assert.deepEqual(cls({ level: 'SYSTEM', extra }).event.unmapped, {
    level: 'SYSTEM',
    source: 'api',
    service_name: 'Architect',
    action: 'Update',
    entity_type: 'Flow',
    extra,
    remote_ip: '203.0.113.7',
  });
});
