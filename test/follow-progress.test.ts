import assert from 'node:assert/strict';
import { test } from 'node:test';
import { followProgress, HEARTBEAT_MS } from '../src/client/progress';

// `backfill --follow` without a terminal (a log file, CI): a line at least every few seconds even
// while no day ends, so nobody takes a long day for a hung command.

const progress = (
  over: Partial<Parameters<typeof followProgress>[0] extends () => Promise<infer P> ? P : never> = {},
) => ({
  daysDone: 0,
  daysTotal: 3,
  events: 0,
  requests: 0,
  rateLimited: 0,
  etaSeconds: null,
  state: 'running',
  failed: [] as unknown[],
  paused: false,
  ...over,
});

async function capture(fn: () => Promise<unknown>): Promise<Array<{ at: number; line: string }>> {
  const lines: Array<{ at: number; line: string }> = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push({ at: Date.now(), line });
    return true;
  }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = write;
  }
  return lines;
}

test('without a terminal, an unchanged progress is still printed at every heartbeat; changes at once', async () => {
  assert.ok(HEARTBEAT_MS <= 10_000, 'the default heartbeat is at most 10 seconds');
  const started = Date.now();
  let polls = 0;
  const lines = await capture(() =>
    followProgress(
      async () => {
        polls++;
        const elapsed = Date.now() - started;
        // Events move within the first day (what the running children report), then it ends.
        if (elapsed > 2_400) return progress({ daysDone: 3, events: 900, requests: 30, state: 'done' });
        return progress({ events: elapsed > 600 ? 120 : 0, requests: elapsed > 600 ? 4 : 0 });
      },
      { json: false, intervalMs: 20, heartbeatMs: 300 },
    ),
  );
  assert.ok(polls > 5);
  assert.match(lines[0].line, /^0\/3 days, 0 events, 0 requests, 0 rate limited, ETA \?, running$/);
  assert.ok(
    lines.some((l) => /^0\/3 days, 120 events, 4 requests/.test(l.line)),
    'events within a day are shown',
  );
  assert.match(lines.at(-1)!.line, /^3\/3 days, 900 events, 30 requests, 0 rate limited, ETA \?, done$/);
  // Unchanged lines repeat at the heartbeat: never a gap much longer than it.
  const unchanged = lines.filter((l, i) => i > 0 && l.line === lines[i - 1].line);
  assert.ok(unchanged.length >= 3, `heartbeat lines: ${unchanged.length}`);
  for (let i = 1; i < lines.length; i++)
    assert.ok(lines[i].at - lines[i - 1].at < 300 + 2_000, `gap ${lines[i].at - lines[i - 1].at} ms`);
});
