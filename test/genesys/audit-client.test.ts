import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from 'undici';
import { Secret } from '../../src/config/secret';
import { AuthError, BadRequestError, ConfigError, RateLimitedError, TransientError } from '../../src/errors';
import { AuditClient, isTerminalState } from '../../src/genesys/audit-client';
import { genesysEndpoints } from '../../src/genesys/regions';
import { RequestBudget } from '../../src/genesys/request-budget';
import { TokenProvider } from '../../src/genesys/token-provider';
import { startSimulator, Simulator } from '../../src/sim';

let sim: Simulator;
const dispatcher = new Agent({ connections: 8 });

before(async () => {
  sim = await startSimulator({
    seed: 'client-test',
    eventsPerDay: 1500,
    rateLimitPerMinute: 100_000,
    redirectThresholdBytes: 300_000,
  });
});
after(async () => {
  await sim.close();
  await dispatcher.close();
});

function client(opts: { secret?: string; perMinute?: number } = {}) {
  const tokens = new TokenProvider({
    loginBase: sim.loginUrl,
    clientId: sim.clientId,
    clientSecret: new Secret(opts.secret ?? sim.clientSecret),
    dispatcher,
  });
  return {
    tokens,
    api: new AuditClient(sim.baseUrl, tokens, new RequestBudget(opts.perMinute ?? 100_000), dispatcher),
  };
}

async function collectAll(api: AuditClient, day: string): Promise<string[]> {
  let status = await api.submitQuery({ interval: `${day}T00:00:00.000Z/${nextDay(day)}T00:00:00.000Z` });
  while (!isTerminalState(status.state)) status = await api.queryStatus(status.id);
  assert.equal(status.state, 'Succeeded');
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.resultsPage(status.id, { cursor });
    ids.push(...page.entities.map((e) => e.id!));
    cursor = page.cursor;
  } while (cursor);
  return ids;
}
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

test('the async query lifecycle pages with the cursor, follows downloadUrl redirects, and returns exactly the day', async () => {
  const { api } = client();
  const before = sim.stats();
  const ids = await collectAll(api, '2026-11-10');
  assert.deepEqual(ids, sim.truth('2026-11-10').eventIds);
  assert.ok(sim.stats().redirects > before.redirects, 'large pages came as 302 + downloadUrl and were followed');
});

test('one token for many concurrent requests: a single refresh in flight', async () => {
  const { api, tokens } = client();
  const before = sim.stats().tokensIssued;
  await Promise.all(Array.from({ length: 20 }, () => api.serviceMapping()));
  assert.equal(sim.stats().tokensIssued - before, 1);
  assert.equal(tokens.refreshes, 1);
});

test('a token is refreshed ahead of its expiry', async () => {
  sim.setFaults({ tokenLifetimeSeconds: 2 });
  try {
    const { api, tokens } = client();
    await api.serviceMapping();
    await new Promise((r) => setTimeout(r, 1700)); // past 80% of the 2-second lifetime
    const before = sim.stats().byStatus['401'] ?? 0;
    await api.serviceMapping();
    assert.equal(tokens.refreshes, 2, 'refreshed before use');
    assert.equal(sim.stats().byStatus['401'] ?? 0, before, 'without a 401 first');
  } finally {
    sim.setFaults({ tokenLifetimeSeconds: 86_400 });
  }
});

test('a 401 (token expired at the server) refreshes once and retries', async () => {
  const { api, tokens } = client();
  await api.serviceMapping();
  sim.advance(2 * 86_400_000); // the server's clock passes the token's lifetime
  try {
    const before = sim.stats().byStatus['401'] ?? 0;
    const mapping = await api.serviceMapping();
    assert.ok(mapping.services.length > 0);
    assert.equal((sim.stats().byStatus['401'] ?? 0) - before, 1);
    assert.equal(tokens.refreshes, 2);
  } finally {
    sim.setNow(Date.now());
  }
});

test('wrong credentials are a non-retryable AuthError that does not show the secret', async () => {
  const { api } = client({ secret: 'not-the-secret-zz9' });
  await assert.rejects(api.serviceMapping(), (err) => {
    assert.ok(err instanceof AuthError);
    assert.equal(err.retryable, false);
    assert.match(err.message, /refused the client credentials of OAuth client/);
    assert.ok(!err.message.includes('not-the-secret-zz9'));
    return true;
  });
});

test('429 carries the server’s Retry-After; 5xx and resets are transient; a bad request is not retryable', async () => {
  const { api } = client();
  await api.serviceMapping();
  sim.setFaults({ rate429Share: 1, retryAfterSeconds: 7 });
  try {
    await assert.rejects(
      api.serviceMapping(),
      (err) => err instanceof RateLimitedError && err.retryAfterMs === 7000 && err.retryable,
    );
  } finally {
    sim.setFaults({ rate429Share: 0 });
  }
  sim.setFaults({ serverErrorShare: 1 });
  try {
    await assert.rejects(
      api.serviceMapping(),
      (err) => err instanceof TransientError && /ININ-Correlation-ID/.test(err.message),
    );
  } finally {
    sim.setFaults({ serverErrorShare: 0 });
  }
  sim.setFaults({ resetMidBodyShare: 1 });
  try {
    await assert.rejects(api.serviceMapping(), (err) => err instanceof TransientError);
  } finally {
    sim.setFaults({ resetMidBodyShare: 0 });
  }
  await assert.rejects(api.submitQuery({ interval: '2026-01-01T00:00:00Z/2026-03-01T00:00:00Z' }), (err) => {
    assert.ok(err instanceof BadRequestError);
    assert.equal(err.status, 400);
    assert.match(err.message, /does not exceed 31 days/);
    return true;
  });
  await assert.rejects(api.resultsPage('x', { pageSize: 501 }), ConfigError);
});

test('the request budget paces requests under the limit', async () => {
  const budget = new RequestBudget(6000, 1); // 100 a second, no burst
  for (let i = 0; i < 10; i++) await budget.take();
  assert.ok(budget.waitedMs >= 80, `9 requests after the first waited for tokens (${budget.waitedMs} ms)`);
});

test('regions map to their hosts; an unknown region is a clear error', () => {
  assert.deepEqual(genesysEndpoints({ region: 'eu_west_1' } as never), {
    apiBase: 'https://api.mypurecloud.ie',
    loginBase: 'https://login.mypurecloud.ie',
  });
  assert.deepEqual(genesysEndpoints({ region: 'us-west-2' } as never), {
    apiBase: 'https://api.usw2.pure.cloud',
    loginBase: 'https://login.usw2.pure.cloud',
  });
  assert.throws(() => genesysEndpoints({ region: 'mars_1' } as never), /GENESYS_REGION: unknown region "mars_1"/);
});
