/**
 * Benchmark: results pages (and events) the simulator serves per second from one process, so
 * that it is never what limits a backfill. Starts the simulator in a child process, warms the
 * days it will read (generation and serialization are cached), then walks async-query cursors
 * with several connections for a fixed time and prints the figures.
 *
 *   node --import tsx bench/sim-throughput.ts [--seconds 10] [--connections 8] [--page-size 500] [--events-per-day 50000] [--days 4]
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { once } from 'node:events';
import { Pool } from 'undici';

const TARGET_EVENTS_PER_SECOND = 20_000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const seconds = arg('seconds', 10);
const connections = arg('connections', 8);
const pageSize = arg('page-size', 500);
const eventsPerDay = arg('events-per-day', 50_000);
const days = arg('days', 4);

interface Info {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  now: string;
}

async function main(): Promise<void> {
  const child = fork(path.join(__dirname, 'sim-server.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SIM_EVENTS_PER_DAY: String(eventsPerDay) },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  try {
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    const info = JSON.parse(line.toString('utf8').split('\n')[0]) as Info;
    const pool = new Pool(info.baseUrl, { connections, pipelining: 1 });
    const json = async (method: 'GET' | 'POST', p: string, headers: Record<string, string>, body?: string) => {
      const res = await pool.request({ method, path: p, headers, body });
      const text = await res.body.text();
      if (res.statusCode >= 400) throw new Error(`${method} ${p}: ${res.statusCode} ${text.slice(0, 200)}`);
      return { text, status: res.statusCode };
    };
    const login = await json(
      'POST',
      '/oauth/token',
      {
        authorization: `Basic ${Buffer.from(`${info.clientId}:${info.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      'grant_type=client_credentials',
    );
    const auth = {
      authorization: `Bearer ${(JSON.parse(login.text) as { access_token: string }).access_token}`,
      'content-type': 'application/json',
    };
    const today = Date.parse(info.now.slice(0, 10));
    const dayList = Array.from({ length: days }, (_, i) =>
      new Date(today - (i + 2) * 86_400_000).toISOString().slice(0, 10),
    );

    let pages = 0;
    let events = 0;
    let bytes = 0;
    /** One full cursor walk over a day; stops early at `deadline`. */
    const walk = async (day: string, deadline: number) => {
      const end = new Date(Date.parse(day) + 86_400_000).toISOString();
      const q = JSON.parse(
        (await json('POST', '/api/v2/audits/query', auth, JSON.stringify({ interval: `${day}T00:00:00.000Z/${end}` })))
          .text,
      ) as { id: string };
      for (let state = ''; state !== 'Succeeded';)
        state = (JSON.parse((await json('GET', `/api/v2/audits/query/${q.id}`, auth)).text) as { state: string }).state;
      let cursor: string | undefined;
      do {
        const page = await json(
          'GET',
          `/api/v2/audits/query/${q.id}/results?pageSize=${pageSize}${cursor ? `&cursor=${cursor}` : ''}`,
          auth,
        );
        const body = JSON.parse(page.text) as { entities: unknown[]; cursor?: string };
        pages++;
        events += body.entities.length;
        bytes += page.text.length;
        cursor = body.cursor;
      } while (cursor && Date.now() < deadline);
    };

    // Warm-up: each day generated and serialized once (that cost is paid once per day).
    const coldStart = Date.now();
    await Promise.all(dayList.map((d) => walk(d, Infinity)));
    const coldSeconds = (Date.now() - coldStart) / 1000;
    const coldEvents = events;

    pages = 0;
    events = 0;
    bytes = 0;
    const start = Date.now();
    const deadline = start + seconds * 1000;
    await Promise.all(
      Array.from({ length: connections }, async (_, w) => {
        for (let i = w; Date.now() < deadline; i++) await walk(dayList[i % dayList.length], deadline);
      }),
    );
    const elapsed = (Date.now() - start) / 1000;
    await pool.close();

    const eps = events / elapsed;
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    process.stdout.write(
      `sim-throughput: ${elapsed.toFixed(1)} s, ${connections} connections, pageSize ${pageSize}, ~${fmt(eventsPerDay)} events per weekday, ${days} days\n` +
        `  first pass (generate + serialize + serve): ${fmt(coldEvents / coldSeconds)} events/s\n` +
        `  pages/s   ${(pages / elapsed).toFixed(1)}\n` +
        `  events/s  ${fmt(eps)}   (target >= ${fmt(TARGET_EVENTS_PER_SECOND)}: ${eps >= TARGET_EVENTS_PER_SECOND ? 'PASS' : 'BELOW TARGET'})\n` +
        `  MB/s      ${(bytes / elapsed / 1e6).toFixed(1)}\n`,
    );
    if (eps < TARGET_EVENTS_PER_SECOND) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
