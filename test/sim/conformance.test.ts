/**
 * Conformance: the official Genesys Cloud JS SDK (purecloud-platform-client-v2), pointed at the
 * simulator through its gateway setting, calls every audit endpoint and parses what comes back;
 * every response validates against the official swagger; and the SDK's error handling sees
 * 401, 400 and 429 in the shapes it expects.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as platformClient from 'purecloud-platform-client-v2';
import { Simulator, startSimulator } from '../../src/sim';
import { NOW, addDays, call, dayInterval, token } from './helpers';
import { assertResponse, definition } from './swagger-schemas';

let sim: Simulator;
const client = platformClient.ApiClient.instance;
const audit = new platformClient.AuditApi();
const today = NOW.slice(0, 10);
const day = addDays(today, -2);

interface Extended {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

before(async () => {
  sim = await startSimulator({
    seed: 'conformance',
    eventsPerDay: 300,
    rateLimitPerMinute: 100_000,
    redirectThresholdBytes: 30_000,
  });
  sim.setNow(NOW);
  const port = Number(new URL(sim.baseUrl).port);
  client.setGateway({ host: '127.0.0.1', protocol: 'http', port, path_params_login: '', path_params_api: '' });
  await client.loginClientCredentialsGrant(sim.clientId, sim.clientSecret);
});
after(() => sim.close());

test('the SDK logs in and runs an async query end to end; every answer parses and validates', async () => {
  const submitted = await audit.postAuditsQuery({ interval: dayInterval(day) });
  assertResponse('postAuditsQuery', 202, submitted);
  assert.equal(submitted.state, 'Queued');
  let status = submitted;
  for (let i = 0; i < 10 && status.state !== 'Succeeded'; i++) {
    status = await audit.getAuditsQueryTransactionId(submitted.id!);
    assertResponse('getAuditsQueryTransactionId', status.state === 'Succeeded' ? 200 : 202, status);
  }
  assert.equal(status.state, 'Succeeded');

  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await audit.getAuditsQueryTransactionIdResults(submitted.id!, {
      pageSize: 100,
      cursor,
      expand: ['user'],
    });
    assertResponse('getAuditsQueryTransactionIdResults', 200, page);
    for (const e of page.entities!) {
      ids.push(e.id!);
      assert.equal(typeof e.user!.name, 'string', 'expand=user through the SDK');
    }
    cursor = page.cursor;
  } while (cursor);
  assert.deepEqual(ids, sim.truth(day).eventIds);
});

test('realtime, related and both servicemappings through the SDK', async () => {
  const interval = `${addDays(today, -1)}T00:00:00.000Z/${NOW}`;
  const rt = await audit.postAuditsQueryRealtime({ interval, pageSize: 50, pageNumber: 2 }, { expand: ['user'] });
  assertResponse('postAuditsQueryRealtime', 200, rt);
  assert.equal(rt.pageNumber, 2);
  assert.equal(rt.entities!.length, 50);
  assert.ok(rt.total! > 100 && rt.pageCount === Math.ceil(rt.total! / 50));

  const member = sim.events(day).find((e) => e.initiatingAction?.transactionId)!;
  const related = await audit.postAuditsQueryRealtimeRelated({ auditId: member.id! });
  assertResponse('postAuditsQueryRealtimeRelated', 200, related);
  assert.ok(related.entities!.length >= 2 && related.entities!.some((e) => e.id === member.id));

  const mapping = await audit.getAuditsQueryServicemapping();
  assertResponse('getAuditsQueryServicemapping', 200, mapping);
  assert.ok(mapping.services!.some((s) => s.name === 'PeoplePermissions'));
  assertResponse('getAuditsQueryRealtimeServicemapping', 200, await audit.getAuditsQueryRealtimeServicemapping());
});

test('every record of a day, expanded or not, is a valid AuditLogMessage', () => {
  const v = definition('AuditLogMessage');
  // The validator can fail: unknown fields, wrong types and bad enum values are refused.
  assert.equal(v({ id: 'x', eventTime: '2026-01-01T00:00:00Z' }), false);
  assert.equal(v({ id: 5 }), false);
  assert.equal(v({ level: 'ROOT' }), false);
  assert.equal(v({ eventDate: 'yesterday' }), false);
  for (const e of [...sim.events(day), ...sim.events(day, { expandUser: true })])
    assert.ok(v(e), JSON.stringify(v.errors));
});

test('the 302 large-results answer and its download validate', async () => {
  const tok = await token(sim);
  const submitted = await call(sim, tok, 'POST', '/api/v2/audits/query', { interval: dayInterval(day) });
  await call(sim, tok, 'GET', `/api/v2/audits/query/${submitted.body.id}`);
  await call(sim, tok, 'GET', `/api/v2/audits/query/${submitted.body.id}`);
  const r = await call(
    sim,
    tok,
    'GET',
    `/api/v2/audits/query/${submitted.body.id}/results?pageSize=200&allowRedirect=true`,
  );
  assert.equal(r.status, 302);
  assertResponse('getAuditsQueryTransactionIdResults', 302, r.body);
  const download = await fetch(r.body.downloadUrl);
  assertResponse('getAuditsQueryTransactionIdResults', 200, await download.json());
  // The SDK (axios) treats the 302 without a Location as an error and hands over the body.
  client.setReturnExtendedResponses(true);
  try {
    const err = await audit
      .getAuditsQueryTransactionIdResults(submitted.body.id, { pageSize: 200, allowRedirect: true })
      .then(
        () => assert.fail('expected the 302 to reject'),
        (e: Extended) => e,
      );
    assert.equal(err.status, 302);
    assert.equal(typeof err.body.downloadUrl, 'string');
  } finally {
    client.setReturnExtendedResponses(false);
  }
});

test('the SDK sees 400s as ErrorBody: the 31-day rule, a malformed filter, pageSize over 500', async () => {
  const tooLong = await audit.postAuditsQuery({ interval: '2026-01-01T00:00:00Z/2026-02-15T00:00:00Z' }).then(
    () => assert.fail('expected 400'),
    (e: Record<string, unknown>) => e,
  );
  assertResponse('postAuditsQuery', 400, tooLong);
  assert.equal(tooLong.status, 400);
  assert.equal(
    tooLong.message,
    'You must specify a search interval as part of your query that does not exceed 31 days',
  );

  const badFilter = await audit
    .postAuditsQuery({ interval: dayInterval(day), filters: [{ property: 'Nope' as 'UserId', value: 'x' }] })
    .then(
      () => assert.fail('expected 400'),
      (e: Record<string, unknown>) => e,
    );
  assertResponse('postAuditsQuery', 400, badFilter);

  const submitted = await audit.postAuditsQuery({ interval: dayInterval(day) });
  await audit.getAuditsQueryTransactionId(submitted.id!);
  await audit.getAuditsQueryTransactionId(submitted.id!);
  const pageSize = await audit.getAuditsQueryTransactionIdResults(submitted.id!, { pageSize: 501 }).then(
    () => assert.fail('expected 400'),
    (e: Record<string, unknown>) => e,
  );
  assertResponse('getAuditsQueryTransactionIdResults', 400, pageSize);
  assert.equal(pageSize.status, 400);
});

test('the SDK sees 401 (bad login, expired token) and 429 (with Retry-After) as it expects', async () => {
  // A wrong secret: the login promise rejects with the HTTP error carrying the OAuth body.
  const login = await client.loginClientCredentialsGrant(sim.clientId, 'wrong').then(
    () => assert.fail('expected 401'),
    (e: { response: { status: number; data: Record<string, string> } }) => e,
  );
  assert.equal(login.response.status, 401);
  assert.equal(login.response.data.error, 'invalid_client');
  assert.equal(login.response.data.error_description, 'authentication failed');

  await client.loginClientCredentialsGrant(sim.clientId, sim.clientSecret);
  client.setReturnExtendedResponses(true);
  try {
    sim.advance(86_401_000);
    const expired = await audit.getAuditsQueryServicemapping().then(
      () => assert.fail('expected 401'),
      (e: Extended) => e,
    );
    assert.equal(expired.status, 401);
    assertResponse('getAuditsQueryServicemapping', 401, expired.body);
    sim.setNow(NOW);
    await client.loginClientCredentialsGrant(sim.clientId, sim.clientSecret);

    sim.setFaults({ rate429Share: 1, retryAfterSeconds: 3 });
    const limited = await audit.getAuditsQueryServicemapping().then(
      () => assert.fail('expected 429'),
      (e: Extended) => e,
    );
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '3');
    assert.match(limited.headers['inin-correlation-id'], /^[0-9a-f-]{36}$/);
    assertResponse('getAuditsQueryServicemapping', 429, limited.body);
    assert.equal(limited.body.code, 'too.many.requests.retry.after');
  } finally {
    sim.setFaults({ rate429Share: 0 });
    sim.setNow(NOW);
    client.setReturnExtendedResponses(false);
  }
});
