import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Simulator, startSimulator } from '../../src/sim';
import { NOW, addDays, allResults, call, dayInterval, login, runQuery, token } from './helpers';

let sim: Simulator;
let tok: string;
const today = NOW.slice(0, 10);
const day = addDays(today, -3);

before(async () => {
  sim = await startSimulator({ seed: 'api-test', eventsPerDay: 400, rateLimitPerMinute: 100_000 });
  sim.setNow(NOW);
  tok = await token(sim);
});
after(() => sim.close());

const errorBody = (body: Record<string, unknown>, status: number, code?: string) => {
  assert.equal(body.status, status);
  if (code) assert.equal(body.code, code);
  assert.equal(typeof body.message, 'string');
  assert.match(body.contextId as string, /^[0-9a-f-]{36}$/);
  assert.deepEqual(body.details, []);
  assert.deepEqual(body.errors, []);
};

test('POST /oauth/token: client credentials with Basic auth; a wrong secret gets 401 with the OAuth error body', async () => {
  const ok = await login(sim);
  assert.equal(ok.status, 200);
  assert.equal(ok.body.token_type, 'bearer');
  assert.equal(ok.body.expires_in, 86400);
  assert.ok(ok.body.access_token.length >= 32);
  assert.ok(ok.headers.get('inin-correlation-id'));

  const bad = await login(sim, 'not-the-secret');
  assert.equal(bad.status, 401);
  assert.deepEqual(bad.body, {
    error: 'invalid_client',
    description: 'authentication failed',
    error_description: 'authentication failed',
  });
  assert.ok(bad.headers.get('inin-correlation-id'));

  const noGrant = await fetch(sim.tokenUrl, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: '',
  });
  assert.equal(noGrant.status, 400);
  assert.equal(((await noGrant.json()) as { error: string }).error, 'invalid_request');
});

test('a bearer token is required everywhere; an unknown or expired one gets 401', async () => {
  const none = await call(sim, undefined, 'GET', '/api/v2/audits/query/servicemapping');
  assert.equal(none.status, 401);
  errorBody(none.body, 401, 'authentication.required');
  const wrong = await call(sim, 'made-up-token', 'POST', '/api/v2/audits/query', { interval: dayInterval(day) });
  assert.equal(wrong.status, 401);
  errorBody(wrong.body, 401, 'bad.credentials');

  const short = await token(sim);
  sim.advance(86_400_000 + 1000);
  try {
    const expired = await call(sim, short, 'GET', '/api/v2/audits/query/servicemapping');
    assert.equal(expired.status, 401);
    errorBody(expired.body, 401, 'bad.credentials');
  } finally {
    sim.setNow(NOW);
  }
  assert.equal(
    (await call(sim, short, 'GET', '/api/v2/audits/query/servicemapping')).status,
    200,
    'valid again before its expiry',
  );
});

test('POST /audits/query validates its body: interval required and ISO-8601, at most 31 days, known filters', async () => {
  const post = (body: unknown) => call(sim, tok, 'POST', '/api/v2/audits/query', body);
  const missing = await post({ serviceName: 'Directory' });
  assert.equal(missing.status, 400);
  errorBody(missing.body, 400);
  const malformed = await post('{"interval": ');
  assert.equal(malformed.status, 400);
  errorBody(malformed.body, 400, 'bad.request');
  assert.equal(malformed.body.message, 'The request could not be understood by the server due to malformed syntax.');
  const notIso = await post({ interval: 'yesterday/today' });
  assert.equal(notIso.status, 400);
  errorBody(notIso.body, 400, 'invalid.date');
  const tooLong = await post({ interval: '2026-01-01T00:00:00Z/2026-02-01T00:00:01Z' });
  assert.equal(tooLong.status, 400);
  errorBody(tooLong.body, 400);
  assert.equal(
    tooLong.body.message,
    'You must specify a search interval as part of your query that does not exceed 31 days',
  );
  assert.equal(
    (await post({ interval: '2026-01-01T00:00:00Z/2026-02-01T00:00:00Z' })).status,
    202,
    'exactly 31 days is fine',
  );
  assert.equal((await post({ interval: '2026-03-01T00:00:00Z/P1D' })).status, 202, 'start/duration is ISO-8601 too');
  const badFilter = await post({ interval: dayInterval(day), filters: [{ property: 'Email', value: 'x' }] });
  assert.equal(badFilter.status, 400);
  errorBody(badFilter.body, 400, 'invalid.value');
  const unknownField = await post({ interval: dayInterval(day), servicename: 'Directory' });
  assert.equal(unknownField.status, 400);
  errorBody(unknownField.body, 400, 'invalid.property');
});

test('a query answers id and Queued, then Running (202), then Succeeded (200); unknown ids 404', async () => {
  const submitted = await call(sim, tok, 'POST', '/api/v2/audits/query', { interval: dayInterval(day) });
  assert.equal(submitted.status, 202);
  assert.equal(submitted.body.state, 'Queued');
  assert.match(submitted.body.id, /^[0-9a-f-]{36}$/);
  assert.equal(submitted.body.transactionId, undefined, 'the POST answers id, not transactionId');
  const early = await call(sim, tok, 'GET', `/api/v2/audits/query/${submitted.body.id}/results`);
  assert.equal(early.status, 409, 'no results before Succeeded');
  const first = await call(sim, tok, 'GET', `/api/v2/audits/query/${submitted.body.id}`);
  assert.deepEqual([first.status, first.body.state], [202, 'Running']);
  const second = await call(sim, tok, 'GET', `/api/v2/audits/query/${submitted.body.id}`);
  assert.deepEqual([second.status, second.body.state], [200, 'Succeeded']);
  assert.equal(second.body.interval, dayInterval(day));
  const unknown = await call(sim, tok, 'GET', '/api/v2/audits/query/00000000-0000-4000-8000-000000000000');
  assert.equal(unknown.status, 404);
  errorBody(unknown.body, 404, 'not.found');
});

test('results: cursor paging returns exactly the truth ids, ascending; pageSize default 25, max 500', async () => {
  const { id } = await runQuery(sim, tok, { interval: dayInterval(day) });
  const truth = sim.truth(day);
  const def = await allResults(sim, tok, id);
  assert.deepEqual(def.ids, truth.eventIds);
  assert.equal(def.pages[0].body.entities.length, 25);
  assert.equal(def.pages[0].body.pageSize, 25);
  assert.equal(def.pages[0].body.id, id);
  assert.equal(def.pages.at(-1)!.body.cursor, undefined, 'the last page has no cursor');
  assert.ok(def.pages.slice(0, -1).every((p) => typeof p.body.cursor === 'string'));
  const big = await allResults(sim, tok, id, 'pageSize=500');
  assert.deepEqual(big.ids, truth.eventIds);
  assert.equal(big.pages[0].body.entities.length, 500);

  const over = await call(sim, tok, 'GET', `/api/v2/audits/query/${id}/results?pageSize=501`);
  assert.equal(over.status, 400);
  errorBody(over.body, 400);
  assert.equal((await call(sim, tok, 'GET', `/api/v2/audits/query/${id}/results?pageSize=0`)).status, 400);
  const badCursor = await call(sim, tok, 'GET', `/api/v2/audits/query/${id}/results?cursor=bm9wZQ`);
  assert.equal(badCursor.status, 400);
});

test('no serviceName means every service; serviceName, filters and sort are honoured', async () => {
  const all = sim.events(day);
  const services = new Set(all.map((e) => e.serviceName));
  assert.ok(services.size > 20);

  const dir = await runQuery(sim, tok, { interval: dayInterval(day), serviceName: 'Directory' });
  const dirIds = (await allResults(sim, tok, dir.id, 'pageSize=500')).ids;
  assert.deepEqual(
    dirIds,
    all.filter((e) => e.serviceName === 'Directory').map((e) => e.id),
  );
  assert.ok(dirIds.length > 0);

  const someone = all.find((e) => e.level === 'USER')!;
  const byUser = await runQuery(sim, tok, {
    interval: dayInterval(day),
    filters: [
      { property: 'UserId', value: someone.user!.id },
      { property: 'Action', value: someone.action },
    ],
  });
  assert.deepEqual(
    (await allResults(sim, tok, byUser.id, 'pageSize=500')).ids,
    all.filter((e) => e.user!.id === someone.user!.id && e.action === someone.action).map((e) => e.id),
  );
  const byEntity = await runQuery(sim, tok, {
    interval: dayInterval(day),
    filters: [
      { property: 'EntityType', value: someone.entityType },
      { property: 'EntityId', value: someone.entity!.id },
    ],
  });
  assert.ok((await allResults(sim, tok, byEntity.id)).ids.includes(someone.id!));

  const desc = await runQuery(sim, tok, {
    interval: dayInterval(day),
    sort: [{ name: 'Timestamp', sortOrder: 'descending' }],
  });
  assert.deepEqual((await allResults(sim, tok, desc.id, 'pageSize=500')).ids, [...sim.truth(day).eventIds].reverse());
});

test('expand=user adds the user name; the default leaves it out', async () => {
  const { id } = await runQuery(sim, tok, { interval: dayInterval(day) });
  const plain = await call(sim, tok, 'GET', `/api/v2/audits/query/${id}/results?pageSize=50`);
  const expanded = await call(sim, tok, 'GET', `/api/v2/audits/query/${id}/results?pageSize=50&expand=user`);
  const names = sim
    .events(day, { expandUser: true })
    .slice(0, 50)
    .map((e) => e.user!.name);
  assert.ok(plain.body.entities.every((e: { user: { name?: string } }) => e.user.name === undefined));
  assert.deepEqual(
    expanded.body.entities.map((e: { user: { name: string } }) => e.user.name),
    names,
  );
});

test('allowRedirect=true turns a large page into 302 {id, pageSize, cursor, downloadUrl}; an over-limit page without it gets 400', async () => {
  const small = await startSimulator({
    seed: 'api-test',
    eventsPerDay: 400,
    redirectThresholdBytes: 20_000,
    maxResponseBytes: 200_000,
  });
  try {
    small.setNow(NOW);
    const t = await token(small);
    const { id } = await runQuery(small, t, { interval: dayInterval(day) });
    const r = await call(
      small,
      t,
      'GET',
      `/api/v2/audits/query/${id}/results?pageSize=100&allowRedirect=true&expand=user`,
    );
    assert.equal(r.status, 302);
    assert.deepEqual(Object.keys(r.body), ['id', 'pageSize', 'cursor', 'downloadUrl']);
    assert.equal(r.body.pageSize, 100);
    assert.ok(r.body.downloadUrl.startsWith(`${small.baseUrl}/`));
    const dl = await fetch(r.body.downloadUrl); // no token: like a presigned URL
    assert.equal(dl.status, 200);
    const page = (await dl.json()) as {
      id: string;
      entities: Array<{ id: string; user: { name?: string } }>;
      cursor: string;
    };
    assert.deepEqual(
      page.entities.map((e) => e.id),
      small.truth(day).eventIds.slice(0, 100),
    );
    assert.ok(
      page.entities.every((e) => e.user.name === undefined),
      'downloaded results are not expanded',
    );
    assert.equal(page.cursor, r.body.cursor);
    const next = await call(
      small,
      t,
      'GET',
      `/api/v2/audits/query/${id}/results?pageSize=5&cursor=${encodeURIComponent(r.body.cursor)}&allowRedirect=true`,
    );
    assert.equal(next.status, 200, 'a small page is served directly even with allowRedirect');
    assert.deepEqual(
      next.body.entities.map((e: { id: string }) => e.id),
      small.truth(day).eventIds.slice(100, 105),
    );

    const tooLarge = await call(small, t, 'GET', `/api/v2/audits/query/${id}/results?pageSize=500`);
    assert.equal(tooLarge.status, 400);
    errorBody(tooLarge.body, 400, 'response.entity.too.large');
  } finally {
    await small.close();
  }
});

test('realtime: the last 14 days only, with pageNumber, pageSize, total and pageCount', async () => {
  const interval = `${addDays(today, -2)}T00:00:00.000Z/${NOW}`;
  const expected = [
    ...sim.truth(addDays(today, -2)).eventIds,
    ...sim.truth(addDays(today, -1)).eventIds,
    ...sim
      .events(today)
      .filter((e) => e.eventDate! <= NOW)
      .map((e) => e.id),
  ];
  const p1 = await call(sim, tok, 'POST', '/api/v2/audits/query/realtime', { interval, pageSize: 100 });
  assert.equal(p1.status, 200);
  assert.deepEqual(Object.keys(p1.body), ['entities', 'pageSize', 'pageNumber', 'total', 'pageCount']);
  assert.equal(p1.body.total, expected.length);
  assert.equal(p1.body.pageCount, Math.ceil(expected.length / 100));
  assert.equal(p1.body.pageNumber, 1);
  const p3 = await call(sim, tok, 'POST', '/api/v2/audits/query/realtime?expand=user', {
    interval,
    pageSize: 100,
    pageNumber: 3,
  });
  assert.deepEqual(
    p3.body.entities.map((e: { id: string }) => e.id),
    expected.slice(200, 300),
  );
  assert.ok(p3.body.entities.every((e: { user: { name?: string } }) => typeof e.user.name === 'string'));
  const def = await call(sim, tok, 'POST', '/api/v2/audits/query/realtime', { interval });
  assert.equal(def.body.pageSize, 25);
  assert.equal(def.body.entities.length, 25);

  const old = await call(sim, tok, 'POST', '/api/v2/audits/query/realtime', {
    interval: `${addDays(today, -20)}T00:00:00Z/${addDays(today, -19)}T00:00:00Z`,
  });
  assert.equal(old.status, 400);
  errorBody(old.body, 400);
  assert.equal(
    (await call(sim, tok, 'POST', '/api/v2/audits/query/realtime', { interval, pageSize: 501 })).status,
    400,
  );
});

test('realtime/related returns every audit written by the same action', async () => {
  const events = sim.events(day);
  const member = events.find((e) => e.initiatingAction?.transactionId && !e.transactionInitiator)!;
  const txId = member.initiatingAction!.transactionId!;
  const group = events.filter((e) => e.initiatingAction?.transactionId === txId).map((e) => e.id);
  assert.ok(group.length >= 2);
  const r = await call(sim, tok, 'POST', '/api/v2/audits/query/realtime/related', { auditId: member.id });
  assert.equal(r.status, 200);
  assert.deepEqual(
    r.body.entities.map((e: { id: string }) => e.id),
    group,
  );
  const single = events.find((e) => !e.initiatingAction?.transactionId)!;
  assert.deepEqual(
    (await call(sim, tok, 'POST', '/api/v2/audits/query/realtime/related', { auditId: single.id })).body.entities.map(
      (e: { id: string }) => e.id,
    ),
    [single.id],
  );
  const old = sim.events(addDays(today, -30))[0];
  assert.deepEqual(
    (await call(sim, tok, 'POST', '/api/v2/audits/query/realtime/related', { auditId: old.id })).body,
    { entities: [] },
    'outside the 14 days',
  );
  assert.equal((await call(sim, tok, 'POST', '/api/v2/audits/query/realtime/related', {})).status, 400);
});

test('servicemapping lists every service with its entities and actions (both paths)', async () => {
  for (const path of ['/api/v2/audits/query/servicemapping', '/api/v2/audits/query/realtime/servicemapping']) {
    const r = await call(sim, tok, 'GET', path);
    assert.equal(r.status, 200);
    assert.equal(r.body.services.length, 56);
    const pp = r.body.services.find((s: { name: string }) => s.name === 'PeoplePermissions');
    assert.ok(
      pp.entities.some(
        (e: { name: string; actions: string[] }) => e.name === 'OAuthClient' && e.actions.includes('Create'),
      ),
    );
  }
});

test('data exists for one year before now and never after it; late events wait for their time', async () => {
  const old = await runQuery(sim, tok, { interval: dayInterval(addDays(today, -400)) });
  assert.deepEqual((await allResults(sim, tok, old.id)).ids, [], 'older than the retention: nothing');
  const now = await runQuery(sim, tok, { interval: dayInterval(today) });
  const ids = (await allResults(sim, tok, now.id, 'pageSize=500')).ids;
  const expected = sim
    .events(today)
    .filter((e) => e.eventDate! <= NOW)
    .map((e) => e.id);
  assert.ok(expected.length > 0 && expected.length < sim.truth(today).eventIds.length);
  assert.deepEqual(ids, expected, 'today: only what happened up to now');
});

test('every answer carries ININ-Correlation-ID; /_sim exposes truth, clock and faults without auth', async () => {
  const r = await call(sim, tok, 'GET', '/api/v2/audits/query/servicemapping');
  assert.match(r.headers.get('inin-correlation-id')!, /^[0-9a-f-]{36}$/);
  const truth = await call(sim, undefined, 'GET', `/_sim/truth?day=${day}`);
  assert.equal(truth.status, 200);
  assert.deepEqual(truth.body.eventIds, sim.truth(day).eventIds);
  assert.ok(truth.headers.get('inin-correlation-id'));
  const days = await call(sim, undefined, 'GET', `/_sim/anomaly-days?from=${addDays(today, -14)}&to=${today}`);
  assert.deepEqual(days.body, sim.anomalyDays({ from: addDays(today, -14), to: today }));
  const clock = await call(sim, undefined, 'POST', '/_sim/clock', { advanceMs: 60_000 });
  assert.equal(clock.body.now, new Date(Date.parse(NOW) + 60_000).toISOString());
  sim.setNow(NOW);
  const faults = await call(sim, undefined, 'POST', '/_sim/faults', { lateEventShare: 0.1 });
  assert.equal(faults.body.lateEventShare, 0.1);
  assert.equal((await call(sim, undefined, 'POST', '/_sim/faults', { nonsense: 1 })).status, 400);
  sim.setFaults({ lateEventShare: 0 });
  assert.equal((await call(sim, undefined, 'GET', '/_sim/truth?day=2026-13-01')).status, 400);
});
