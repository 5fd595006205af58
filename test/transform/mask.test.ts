import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { Secret } from '../../src/config/secret';
import { ConfigError } from '../../src/errors';
import { normalizeApi } from '../../src/transform/normalize-api';
import { Masker } from '../../src/transform/mask';

const KEY = 'test-key-0123456789abcdef-0123456789abcdef';
const masker = new Masker({ hmacKey: new Secret(KEY) });
const TOKEN = /^phone#[0-9a-f]{8}:[0-9a-f]{16}$/;

/** The token the spec defines: HMAC-SHA256 under the key of +<digits>, first 16 hex. */
function expectedToken(normal: string, key = KEY): string {
  const keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return `phone#${keyId}:${createHmac('sha256', key).update(normal).digest('hex').slice(0, 16)}`;
}

test('keyId is the first 8 hex digits of the key\'s SHA-256; the key never shows', () => {
  assert.equal(masker.keyId, createHash('sha256').update(KEY).digest('hex').slice(0, 8));
  assert.ok(!inspect(masker, { depth: 5, showHidden: true }).includes(KEY));
  assert.ok(!JSON.stringify(masker).includes(KEY));
  assert.throws(() => new Masker({ hmacKey: new Secret('short') }), ConfigError);
});

test('emails become ***@domain wherever they are in a string', () => {
  const cases: Array<[string, string]> = [
    ['jane.doe@example.com', '***@example.com'],
    ['JANE.DOE@EXAMPLE.COM', '***@example.com'],
    ['Jane.Doe@Example.Com', '***@example.com'],
    ['Contact jane.doe@example.com for access', 'Contact ***@example.com for access'],
    ['mailto:jane.doe@example.com', 'mailto:***@example.com'],
    ['MAILTO:JANE@EXAMPLE.COM?subject=hi', 'MAILTO:***@example.com?subject=hi'],
    ['<a href="mailto:x.y@sub.example.co.uk">x</a>', '<a href="mailto:***@sub.example.co.uk">x</a>'],
    ['m.oconnor+audit@mail.example.org, li_wei@example.cn;', '***@mail.example.org, ***@example.cn;'],
    ['"Jane Doe" <jane.doe@example.com>', '"Jane Doe" <***@example.com>'],
    ['{"address":"jane.doe@example.com","type":"WORK"}', '{"address":"***@example.com","type":"WORK"}'],
    ['?email=jane.doe@example.com&x=1', '?email=***@example.com&x=1'],
    ['jürgen.müller@beispiel.de', '***@beispiel.de'],
    ['end of sentence jane@example.com.', 'end of sentence ***@example.com.'],
    ["o'brien@example.ie", '***@example.ie'],
    ['a@b.co b@c.co', '***@b.co ***@c.co'],
  ];
  for (const [input, expected] of cases) assert.equal(masker.maskString(input), expected, input);
});

test('things with an @ that are no email stay as they are', () => {
  for (const s of ['@jane', 'lodash@4.17.21', 'user@localhost', 'a @ b', 'price @ 3.50', 'x@', '@@', 'name@123.456']) {
    assert.equal(masker.maskString(s), s, s);
  }
});

test('one phone number in any format gives one token: the keyed HMAC of its normal form', () => {
  const groups: Array<[string, string[]]> = [
    ['+15551234567', ['(555) 123-4567', '555-123-4567', '555.123.4567', '555 123 4567', '(555)123-4567', '+1 555 123 4567', '+1-555-123-4567', '+1 (555) 123-4567', '1-555-123-4567', '1 (555) 123-4567', '1.555.123.4567', '+15551234567']],
    ['+14155550123', ['+14155550123', '(415) 555-0123', '415-555-0123', '+1 415 555 0123']],
    ['+442079460958', ['+442079460958', '+44 20 7946 0958', '+44-20-7946-0958', '+44 (0)20 7946 0958', '+44.20.7946.0958']],
    ['+33184881234', ['+33 1 84 88 12 34', '+33184881234']],
  ];
  for (const [normal, forms] of groups) {
    for (const form of forms) {
      assert.equal(masker.maskString(form), expectedToken(normal), `${form} -> token of ${normal}`);
    }
  }
  assert.notEqual(expectedToken('+15551234567'), expectedToken('+14155550123'));
});

test('phones inside longer strings are replaced and the text around them kept', () => {
  const t = (n: string) => expectedToken(n);
  const cases: Array<[string, string]> = [
    ['Call (555) 123-4567 today', `Call ${t('+15551234567')} today`],
    ['Mobile: +44 20 7946 0958.', `Mobile: ${t('+442079460958')}.`],
    ['tel:+14155550123', `tel:${t('+14155550123')}`],
    ['phones: 555-123-4567, 555.123.4567', `phones: ${t('+15551234567')}, ${t('+15551234567')}`],
    ['(555) 123-4567x204', `${t('+15551234567')}x204`],
    ['{"number":"+14155550123","type":"MOBILE"}', `{"number":"${t('+14155550123')}","type":"MOBILE"}`],
    ['+1 555 123 4567 2021', `${t('+15551234567')} 2021`], // +1 numbers stop at 11 digits
    ['+14155550123 2 times', `${t('+14155550123')} 2 times`], // a compact number ends at its first separator
  ];
  for (const [input, expected] of cases) assert.equal(masker.maskString(input), expected, input);
});

test('not phones: UUIDs, timestamps, IPs, bare digit runs, versions, durations, offsets', () => {
  const notPhones = [
    '46a10c81-ca63-4bfe-bc9d-3fbf41ee06b5',
    '12345678-1234-4234-8234-123456789012',
    '2021-05-31T09:44:53Z',
    '2021-05-31T09:44:53.123Z',
    '2021-05-31 09:44:53',
    '2021-05-31T09:44:53+02:00',
    '2021-05-31T09:44:53+0200',
    '20210531094453',
    '192.168.100.200',
    '10.0.0.1, 203.0.113.7',
    '1622454293000',
    '14155550123',
    '442079460958',
    'order 5551234567',
    '10.0.19041.1234',
    'v2.31.4',
    '1.2.3-beta.4',
    'PT1H30M',
    '01:30:00',
    '1500 ms',
    '86400',
    '3.14159265',
    '-1234567.89',
    'score +12',
    '2021-05-31/2021-06-30',
    '99.5%',
  ];
  for (const s of notPhones) assert.equal(masker.maskString(s), s, s);
});

test('masking is idempotent and keyed: another key gives other tokens', () => {
  const text = 'jane.doe@example.com called from +14155550123';
  const once = masker.maskString(text);
  assert.equal(masker.maskString(once), once);
  const other = new Masker({ hmacKey: new Secret('another-key-0123456789abcdef-0123456789') });
  assert.notEqual(other.maskString(text), once);
  assert.match(other.maskString('+14155550123'), TOKEN);
});

test('every string of nested arrays and maps is masked, keys too; other values untouched', () => {
  const input = {
    n: 5551234567,
    b: true,
    z: null,
    list: ['555-123-4567', 7, false, null, ['deep jane@example.com']],
    map: { 'jane@example.com': 'key was an email', inner: { phone: '+44 20 7946 0958', count: 3 } },
  };
  const before = structuredClone(input);
  const out = masker.maskValue(input);
  assert.deepEqual(input, before, 'input not modified');
  assert.deepEqual(out, {
    n: 5551234567,
    b: true,
    z: null,
    list: [expectedToken('+15551234567'), 7, false, null, ['deep ***@example.com']],
    map: { '***@example.com': 'key was an email', inner: { phone: expectedToken('+442079460958'), count: 3 } },
  });
});

test('clean values come back as the same objects (no copies)', () => {
  const clean = { a: ['x', 1, { b: 'y' }], c: { d: '2021-05-31T09:44:53Z' } };
  assert.equal(masker.maskValue(clean), clean);
  const partly = { keep: { same: 'x' }, change: 'jane@example.com' };
  const out = masker.maskValue(partly);
  assert.notEqual(out, partly);
  assert.equal(out.keep, partly.keep);
});

test('maskEvent masks every column and extra, and leaves event time and source alone', () => {
  const event = normalizeApi({
    id: 'a3c1f6e2-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
    eventDate: '2026-11-21T09:49:25Z',
    user: { id: 'u1', name: 'JANE.DOE@EXAMPLE.COM' },
    entity: { id: '+14155550123', name: 'DID (555) 123-4567' },
    entityType: 'jane@example.com',
    serviceName: 'svc 555-123-4567',
    action: 'a jane@example.com',
    level: 'l jane@example.com',
    status: 's jane@example.com',
    client: { id: 'c jane@example.com' },
    remoteIp: ['203.0.113.7'],
    initiatingAction: { transactionId: 't jane@example.com' },
    propertyChanges: [{ property: 'p jane@example.com', oldValues: ['555.123.4567'], newValues: ['x', 'jane@example.com'] }],
    context: { note: 'call +44 20 7946 0958' },
  });
  const masked = masker.maskEvent(event);
  const text = JSON.stringify(masked);
  assert.ok(!/jane|4567|0958|0123/i.test(text), text);
  assert.equal(masked.userName, '***@example.com');
  assert.equal(masked.entityId, expectedToken('+14155550123'));
  assert.equal(masked.remoteIp, '203.0.113.7');
  assert.equal(masked.eventTime, event.eventTime);
  assert.equal(masked.source, 'api');
  assert.deepEqual(masked.propertyChanges[0].newValues, ['x', '***@example.com']);
  // The input event is not modified.
  assert.equal(event.userName, 'JANE.DOE@EXAMPLE.COM');
});

test('masking a long string with stray @ and digits stays linear', () => {
  const hostile = [
    `${'a'.repeat(200_000)}@${'1'.repeat(100_000)} ${'5'.repeat(3)}-`.repeat(3),
    `+1${' 1'.repeat(100_000)}x`,
    '555-'.repeat(100_000),
    '(555) '.repeat(100_000),
    '@a.'.repeat(100_000),
  ].join('');
  const t0 = process.hrtime.bigint();
  masker.maskString(hostile);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.ok(ms < 500, `took ${ms} ms`);
});
