import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { Simulator, startSimulator } from '../../src/sim';
import { NOW, addDays, allResults, call, dayInterval, login, runQuery, token } from './helpers';

let sim: Simulator;
let tok: string;
const today = NOW.slice(0, 10);
const day = addDays(today, -2);
const mapping = '/api/v2/audits/query/servicemapping';

before(async () => {
  sim = await startSimulator({ seed: 'fault-test', eventsPerDay: 300, rateLimitPerMinute: 100_000 });
  sim.setNow(NOW);
  tok = await token(sim);
});
after(() => sim.close());

test('rate limit: a per-token budget; over it, 429 with Retry-After and too.many.requests.retry.after', async () => {
  const limited = await startSimulator({ seed: 'fault-test', eventsPerDay: 50, rateLimitPerMinute: 60 });
  try {
    const a = await token(limited);
    const b = await token(limited);
    for (let i = 0; i < 60; i++)
      assert.equal((await call(limited, a, 'GET', mapping)).status, 200, `request ${i + 1} is inside the budget`);
    const over = await call(limited, a, 'GET', mapping);
    assert.equal(over.status, 429);
    assert.match(over.headers.get('retry-after')!, /^\d+$/);
    assert.ok(Number(over.headers.get('retry-after')) >= 1);
    assert.ok(over.headers.get('inin-correlation-id'));
    assert.equal(over.body.code, 'too.many.requests.retry.after');
    assert.equal(over.body.status, 429);
    assert.deepEqual([over.body.details, over.body.errors], [[], []]);
    assert.equal((await call(limited, b, 'GET', mapping)).status, 200, 'another token has its own budget');
    await sleep(Number(over.headers.get('retry-after')) * 1000 + 100);
    assert.equal((await call(limited, a, 'GET', mapping)).status, 200, 'after Retry-After the request goes through');
    assert.equal(limited.stats().rateLimited, 1);
  } finally {
    await limited.close();
  }
});

test('fault: a share of 429s, with the configured Retry-After', async () => {
  sim.setFaults({ rate429Share: 1, retryAfterSeconds: 7 });
  try {
    const r = await call(sim, tok, 'GET', mapping);
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '7');
    assert.equal(r.body.code, 'too.many.requests.retry.after');
    assert.equal((await login(sim)).status, 200, 'the login server is not affected');
    sim.setFaults({ rate429Share: 0.5 });
    const statuses = await Promise.all(
      Array.from({ length: 60 }, () => call(sim, tok, 'GET', mapping).then((x) => x.status)),
    );
    assert.ok(statuses.includes(429) && statuses.includes(200), 'a share, not all');
  } finally {
    sim.setFaults({ rate429Share: 0, retryAfterSeconds: 1 });
  }
  assert.equal((await call(sim, tok, 'GET', mapping)).status, 200);
});

test('fault: a share of 5xx answers with ErrorBody', async () => {
  sim.setFaults({ serverErrorShare: 1 });
  try {
    const seen = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const r = await call(sim, tok, 'GET', mapping);
      assert.ok([500, 502, 503, 504].includes(r.status));
      assert.equal(r.body.status, r.status);
      seen.add(r.status);
    }
    assert.ok(seen.size >= 3, 'several kinds of 5xx');
  } finally {
    sim.setFaults({ serverErrorShare: 0 });
  }
});

test('fault: connections reset mid-body', async () => {
  const { id } = await runQuery(sim, tok, { interval: dayInterval(day) });
  const before = sim.stats().resets;
  sim.setFaults({ resetMidBodyShare: 1 });
  try {
    await assert.rejects(
      fetch(`${sim.baseUrl}/api/v2/audits/query/${id}/results?pageSize=200`, {
        headers: { Authorization: `Bearer ${tok}` },
      }).then((r) => r.text()),
      'reading the body fails',
    );
  } finally {
    sim.setFaults({ resetMidBodyShare: 0 });
  }
  assert.equal(sim.stats().resets, before + 1);
  assert.equal((await call(sim, tok, 'GET', `/api/v2/audits/query/${id}/results?pageSize=200`)).status, 200);
});

test('fault: slow query completion takes more polls', async () => {
  sim.setFaults({ slowQueryExtraPolls: 4 });
  try {
    const { states } = await runQuery(sim, tok, { interval: dayInterval(day) });
    assert.deepEqual(states, ['Queued', 'Queued', 'Running', 'Running', 'Running', 'Running', 'Succeeded']);
  } finally {
    sim.setFaults({ slowQueryExtraPolls: 0 });
  }
  assert.deepEqual((await runQuery(sim, tok, { interval: dayInterval(day) })).states, [
    'Queued',
    'Running',
    'Succeeded',
  ]);
});

test('fault: short token lifetime; the token expires on the simulated clock', async () => {
  sim.setFaults({ tokenLifetimeSeconds: 30 });
  try {
    const r = await login(sim);
    assert.equal(r.body.expires_in, 30);
    const short = r.body.access_token as string;
    sim.advance(29_000);
    assert.equal((await call(sim, short, 'GET', mapping)).status, 200);
    sim.advance(2_000);
    const expired = await call(sim, short, 'GET', mapping);
    assert.equal(expired.status, 401);
    assert.equal(expired.body.code, 'bad.credentials');
    assert.equal((await call(sim, await token(sim), 'GET', mapping)).status, 200, 'a fresh token works');
  } finally {
    sim.setFaults({ tokenLifetimeSeconds: 86_400 });
    sim.setNow(NOW);
    tok = await token(sim);
  }
});

test('fault: failed transactions end in state Failed and have no results', async () => {
  sim.setFaults({ failedQueryShare: 1 });
  try {
    const { id, states, final } = await runQuery(sim, tok, { interval: dayInterval(day) });
    assert.equal(states.at(-1), 'Failed');
    assert.equal(final.status, 200);
    const r = await call(sim, tok, 'GET', `/api/v2/audits/query/${id}/results`);
    assert.equal(r.status, 409);
  } finally {
    sim.setFaults({ failedQueryShare: 0 });
  }
});

test('fault: late-arriving events appear in the API hours after their eventDate', async () => {
  sim.setFaults({ lateEventShare: 0.2 });
  try {
    const asOf = `${addDays(day, 1)}T01:00:00.000Z`;
    sim.setNow(asOf);
    const truth = sim.truth(day);
    assert.ok(truth.late.length > 20, 'about a fifth of the events are late');
    for (const l of truth.late) assert.ok(Date.parse(l.visibleAt) - Date.parse(l.eventDate) >= 3_600_000, 'hours late');
    const notYet = new Set(truth.late.filter((l) => l.visibleAt > asOf).map((l) => l.id));
    assert.ok(notYet.size > 0);
    const early = await runQuery(sim, tok, { interval: dayInterval(day) });
    const seen = (await allResults(sim, tok, early.id, 'pageSize=500')).ids;
    assert.deepEqual(
      seen,
      truth.eventIds.filter((id) => !notYet.has(id)),
      'only what is visible at query time',
    );
    sim.advance(10 * 3_600_000);
    const later = await runQuery(sim, tok, { interval: dayInterval(day) });
    assert.deepEqual(
      (await allResults(sim, tok, later.id, 'pageSize=500')).ids,
      truth.eventIds,
      'a later query sees every event',
    );
  } finally {
    sim.setFaults({ lateEventShare: 0 });
    sim.setNow(NOW);
  }
});

test('fault: the same event returned twice across pages', async () => {
  sim.setFaults({ duplicateAcrossPagesShare: 1 });
  try {
    const { id } = await runQuery(sim, tok, { interval: dayInterval(day) });
    const { ids, pages } = await allResults(sim, tok, id, 'pageSize=100');
    for (let i = 1; i < pages.length; i++) {
      assert.equal(
        pages[i].body.entities[0].id,
        pages[i - 1].body.entities.at(-1).id,
        `page ${i + 1} starts with page ${i}'s last event`,
      );
    }
    assert.equal(ids.length, sim.truth(day).eventIds.length + pages.length - 1);
    assert.deepEqual([...new Set(ids)], sim.truth(day).eventIds);
    assert.ok(sim.stats().duplicatesServed >= pages.length - 1);
  } finally {
    sim.setFaults({ duplicateAcrossPagesShare: 0 });
  }
});

test('faults are off by default and validated when set', async () => {
  const fresh = await startSimulator({ seed: 'fault-test', eventsPerDay: 10 });
  try {
    assert.deepEqual(fresh.faults(), {
      rate429Share: 0,
      retryAfterSeconds: 1,
      serverErrorShare: 0,
      resetMidBodyShare: 0,
      slowQueryExtraPolls: 0,
      tokenLifetimeSeconds: 86_400,
      failedQueryShare: 0,
      lateEventShare: 0,
      duplicateAcrossPagesShare: 0,
    });
    assert.throws(() => fresh.setFaults({ rate429Share: 2 }), RangeError);
    assert.throws(() => fresh.setFaults({ tokenLifetimeSeconds: 0 }), RangeError);
  } finally {
    await fresh.close();
  }
});
