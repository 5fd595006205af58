/** The daily run's day rule with a pinned clock: what a run due at any hour collects. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectionDay } from '../src/days';

test('collectionDay: the previous UTC day of the moment DAILY_LAG_MINUTES earlier', () => {
  // At 00:30 UTC with the default 120-minute lag the lag has not passed: the day before yesterday.
  assert.equal(collectionDay(Date.parse('2026-12-01T00:30:00Z'), 120), '2026-11-29');
  assert.equal(collectionDay(Date.parse('2026-12-01T01:59:59.999Z'), 120), '2026-11-29');
  // From 02:00 (when the schedule fires), yesterday.
  assert.equal(collectionDay(Date.parse('2026-12-01T02:00:00Z'), 120), '2026-11-30');
  assert.equal(collectionDay(Date.parse('2026-12-01T23:59:59Z'), 120), '2026-11-30');
  // Without a lag, the calendar's yesterday; across a year boundary too.
  assert.equal(collectionDay(Date.parse('2026-12-01T00:30:00Z'), 0), '2026-11-30');
  assert.equal(collectionDay(Date.parse('2027-01-01T01:00:00Z'), 120), '2026-12-30');
});
