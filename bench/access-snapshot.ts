/**
 * Access snapshot benchmark: a 5,000-user sandbox org (the simulator's configuration APIs, with
 * Genesys' 300 requests a minute per token), read by the snapshot code the worker runs (the
 * configuration client paced at the daily budget GENESYS_REQUESTS_PER_MINUTE on top of the org's
 * limit, rows masked page by page), staged and written as locked Parquet with its manifest
 * version into MinIO. Reported: requests used against the daily budget, wall time of the reading
 * and of the writing, rows per table.
 *
 *   npm run bench:access                 # 5,000 users
 *   USERS=20000 npm run bench:access
 */
import { loadConfig } from '../src/config/config';
import { collectSnapshot } from '../src/access/collect-snapshot';
import { stageSnapshot, writeSnapshot } from '../src/access/snapshot-writer';
import { createAuditClient } from '../src/genesys/audit-client';
import { ConfigClient } from '../src/genesys/config-client';
import { RequestBudget } from '../src/genesys/request-budget';
import { sealDay } from '../src/lake/day-sealer';
import { stagingPrefix } from '../src/lake/keys';
import { createSigner } from '../src/lake/signing';
import { startSimulator } from '../src/sim';
import { transformContext } from '../src/transform/pipeline';
import { startBenchStack } from './local-stack';
import { lakeOf } from '../src/s3/lake';

const USERS = Number(process.env.USERS ?? 5000);
const ORG = 'benchaccess';
const ORG_RATE = 300;
const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

async function main() {
  const sim = await startSimulator({
    seed: 'bench-access',
    eventsPerDay: 100,
    rateLimitPerMinute: ORG_RATE,
    clientRoles: 'access-reviewer',
    orgUsers: USERS,
  });
  const stack = await startBenchStack(ORG);
  try {
    const config = loadConfig({
      ...stack.env,
      GENESYS_API_BASE: sim.baseUrl,
      GENESYS_LOGIN_BASE: sim.loginUrl,
      GENESYS_CLIENT_ID: sim.clientId,
      GENESYS_CLIENT_SECRET: sim.clientSecret,
      GENESYS_ORG_REQUESTS_PER_MINUTE: String(ORG_RATE),
    });
    const daily = config.genesys.requestsPerMinute;
    const signer = createSigner(config.manifest.signingKey!);
    const transform = transformContext(config.mask, config.genesys.region);
    // The day is sealed first (an empty day: its manifest is what the snapshot adds a version to).
    await sealDay(
      { lake: lakeOf(config, stack.s3), duckdb: config.duckdb, signer },
      {
        org: ORG,
        day: DAY,
        stagingPrefix: stagingPrefix(ORG, DAY, 'bench'),
        query: null,
        sealedAt: new Date().toISOString(),
        hmacKeyId: transform.masker.keyId,
        extraAllowlist: config.mask.extraAllowlist,
      },
    );

    const audit = createAuditClient(config, { requestsPerMinute: config.genesys.orgRequestsPerMinute });
    const client = new ConfigClient(audit, new RequestBudget(daily));
    const before = sim.stats();
    const t0 = process.hrtime.bigint();
    const capturedAt = new Date().toISOString();
    const collected = await collectSnapshot(client, transform);
    const readS = seconds(t0);
    const after = sim.stats();
    const t1 = process.hrtime.bigint();
    await stageSnapshot(lakeOf(config, stack.s3), { org: ORG, day: DAY, runId: 'bench', capturedAt, collected });
    const written = await writeSnapshot(
      { lake: lakeOf(config, stack.s3), duckdb: config.duckdb, signer },
      {
        org: ORG,
        day: DAY,
        runId: 'bench',
        sealedAt: new Date().toISOString(),
        hmacKeyId: transform.masker.keyId,
        extraAllowlist: config.mask.extraAllowlist,
      },
    );
    const writeS = seconds(t1);
    const requests = collected.requests;
    const result = {
      users: USERS,
      requests,
      serverRequests: after.requests - before.requests,
      rateLimited: after.rateLimited - before.rateLimited,
      dailyBudgetPerMinute: daily,
      dailyBudgetShare: requests / (daily * 1440),
      readSeconds: Number(readS.toFixed(1)),
      writeSeconds: Number(writeS.toFixed(1)),
      coverage: collected.coverage.map((c) => ({ table: c.table_name, rows: c.row_count, requests: c.requests })),
      objects: written.objects.length,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `access snapshot of ${USERS} users: ${requests} requests (${((requests / (daily * 1440)) * 100).toFixed(2)}% of a day at the daily budget of ${daily}/min), read in ${readS.toFixed(1)} s, written in ${writeS.toFixed(1)} s\n`,
    );
    await audit.dispatcher.close();
  } finally {
    await stack.stop();
    await sim.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
