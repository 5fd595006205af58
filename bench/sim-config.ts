/**
 * Benchmark: what the sandbox org's configuration APIs cost for a large org. Starts a simulator
 * with --org-users users (default 5,000) and the default audit volume, then reads what an access
 * snapshot reads: every user (pageSize 500, expand=authorization,dateLastLogin,lasttokenissued,
 * state=any), every role and each role's subject grants, divisions, OAuth clients. Prints the
 * first answer's latency (it replays the access history onto the initial configuration), the
 * walk's time and its request count (against Genesys' default 300 requests a minute per token).
 *
 *   node --import tsx bench/sim-config.ts [--org-users 5000] [--events-per-day 2000] [--history-days 7]
 */
import { startSimulator } from '../src/sim';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const orgUsers = arg('org-users', 5000);
  const sim = await startSimulator({
    seed: 'bench-config',
    orgUsers,
    eventsPerDay: arg('events-per-day', 2000),
    accessHistoryDays: arg('history-days', 7),
    clientRoles: 'access-reviewer',
    rateLimitPerMinute: 1_000_000,
  });
  try {
    const login = await fetch(sim.tokenUrl, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    let requests = 0;
    const get = async (path: string) => {
      requests++;
      const res = await fetch(`${sim.baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { entities: Array<{ id: string }>; nextUri?: string };
    };
    const walk = async (first: string) => {
      let n = 0;
      for (let next: string | undefined = first; next;) {
        const page = await get(next);
        n += page.entities.length;
        next = page.nextUri;
      }
      return n;
    };
    let t = performance.now();
    await get('/api/v2/organizations/me');
    await get('/api/v2/authorization/divisions?pageSize=1');
    const firstMs = performance.now() - t;
    t = performance.now();
    requests = 0;
    const users = await walk('/api/v2/users?pageSize=500&state=any&expand=authorization,dateLastLogin,lasttokenissued');
    const roles = (await get('/api/v2/authorization/roles?pageSize=500')).entities;
    let grants = 0;
    for (const r of roles) grants += await walk(`/api/v2/authorization/roles/${r.id}/subjectgrants?pageSize=500`);
    await walk('/api/v2/authorization/divisions?pageSize=500');
    await get('/api/v2/oauth/clients');
    const walkMs = performance.now() - t;
    process.stdout.write(
      `sim-config: ${orgUsers} core users; first answer (history replay) ${(firstMs / 1000).toFixed(1)} s; ` +
        `snapshot walk ${users} users, ${roles.length} roles, ${grants} subject grants in ${requests} requests, ` +
        `${(walkMs / 1000).toFixed(1)} s (${((requests / 300) * 60).toFixed(0)} s of a 300/min budget)\n`,
    );
  } finally {
    await sim.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
