import { SingleBar } from 'cli-progress';

interface ProgressShape {
  daysDone: number;
  daysTotal: number;
  events: number;
  requests: number;
  rateLimited: number;
  etaSeconds: number | null;
  state: string;
  failed: unknown[];
  paused: boolean;
}

/** Without a terminal, a line at least this often even when nothing changed (a log or CI shows it is alive). */
export const HEARTBEAT_MS = 5_000;

/**
 * Follows a workflow's progress query until it is done (or paused with failures), drawing a
 * progress bar on a terminal; elsewhere one line per change and at least one every
 * `heartbeatMs` (or JSON lines with --json). Ctrl-C stops following, not the workflow.
 */
export async function followProgress<P extends ProgressShape>(
  query: () => Promise<P>,
  opts: {
    json: boolean;
    intervalMs?: number;
    heartbeatMs?: number;
    labels?: { requests: string; rateLimited: string };
  },
): Promise<P> {
  const tty = process.stdout.isTTY && !opts.json;
  const labels = opts.labels ?? { requests: 'requests', rateLimited: 'rate limited' };
  const bar = tty
    ? new SingleBar({
        format: `{bar} {value}/{total} days | {events} events | {requests} ${labels.requests} | {rateLimited} ${labels.rateLimited} | ETA {etaText} | {state}`,
        hideCursor: true,
        clearOnComplete: false,
      })
    : undefined;
  let last = '';
  let lastAt = 0;
  let p = await query();
  bar?.start(p.daysTotal, p.daysDone, fields(p));
  for (;;) {
    if (bar) bar.update(p.daysDone, fields(p));
    else {
      const line = opts.json
        ? JSON.stringify(p)
        : `${p.daysDone}/${p.daysTotal} days, ${p.events} events, ${p.requests} ${labels.requests}, ${p.rateLimited} ${labels.rateLimited}, ETA ${eta(p.etaSeconds)}, ${p.state}`;
      if (line !== last || Date.now() - lastAt >= (opts.heartbeatMs ?? HEARTBEAT_MS)) {
        process.stdout.write(`${line}\n`);
        lastAt = Date.now();
      }
      last = line;
    }
    if (p.state === 'done' || (p.paused && p.failed.length > 0)) break;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 1000));
    p = await query();
  }
  bar?.stop();
  return p;
}

function fields(p: ProgressShape) {
  return {
    events: p.events,
    requests: p.requests,
    rateLimited: p.rateLimited,
    etaText: eta(p.etaSeconds),
    state: p.state,
  };
}

function eta(seconds: number | null): string {
  if (seconds === null) return '?';
  if (seconds < 90) return `${seconds}s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}
