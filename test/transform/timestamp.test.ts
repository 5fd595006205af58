import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toUtcIso } from '../../src/transform/timestamp';

test('date-times become UTC with exactly three fraction digits', () => {
  const cases: Array<[string, string]> = [
    ['2021-05-31T09:49:25.000Z', '2021-05-31T09:49:25.000Z'],
    ['2021-05-31T09:49:25Z', '2021-05-31T09:49:25.000Z'],
    ['2021-05-31T09:49:25.5Z', '2021-05-31T09:49:25.500Z'],
    ['2021-05-31T09:49:25.123456789Z', '2021-05-31T09:49:25.123Z'],
    ['2021-05-31T09:49:25.999999Z', '2021-05-31T09:49:25.999Z'], // truncated, never rounded into the next second
    ['2021-05-31T09:49Z', '2021-05-31T09:49:00.000Z'],
    ['2021-05-31 09:49:25z', '2021-05-31T09:49:25.000Z'],
    ['2021-05-31T11:49:25+02:00', '2021-05-31T09:49:25.000Z'],
    ['2021-05-31T11:49:25.250+0200', '2021-05-31T09:49:25.250Z'],
    ['2021-05-31T04:19:25-05:30', '2021-05-31T09:49:25.000Z'],
    ['2021-05-31T23:30:00-01:00', '2021-06-01T00:30:00.000Z'], // the offset moves it to the next UTC day
    ['2021-01-01T00:30:00+01', '2020-12-31T23:30:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'], // not read as 1950
    ['2000-02-29T23:59:59.999Z', '2000-02-29T23:59:59.999Z'], // canonical already: the fast path
  ];
  for (const [input, expected] of cases) assert.equal(toUtcIso(input), expected, input);
});

test('invalid or zone-less date-times are rejected', () => {
  for (const input of [
    '',
    'yesterday',
    '2021-05-31',
    '2021-05-31T09:49:25', // no zone: a guess would not be evidence
    '2021-02-29T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2021-04-31T00:00:00Z',
    '2021-13-01T00:00:00Z',
    '2021-05-31T24:00:00Z',
    '2021-05-31T09:60:00Z',
    '2021-05-31T09:49:60Z',
    '2021-05-31T09:49:25+25:00',
    'Mon, 31 May 2021 09:49:25 GMT',
    '1622454565000',
    ' 2021-05-31T09:49:25Z',
    '9999-12-31T23:30:00-01:00', // would leave four-digit years
    // The canonical form's fast path checks the same ranges.
    '2021-02-29T00:00:00.000Z',
    '2100-02-29T00:00:00.000Z',
    '2021-04-31T00:00:00.000Z',
    '2021-00-10T00:00:00.000Z',
    '2021-13-01T00:00:00.000Z',
    '2021-05-00T00:00:00.000Z',
    '2021-05-31T24:00:00.000Z',
    '2021-05-31T09:60:00.000Z',
    '2021-05-31T09:49:60.000Z',
  ]) {
    assert.equal(toUtcIso(input), undefined, input);
  }
});
