import * as path from 'node:path';
import { loadConfig } from '../../config/config';
import { ConfigError } from '../../errors';
import { createS3Client } from '../../s3/client';
import { CLIENT_ROLES, ClientRoles, Faults, startSimulator } from '../../sim';
import { ensureLocalCredentials } from '../../stack/local-credentials';
import { SANDBOX_CLIENT_ID } from '../../stack/sandbox';

export interface SimCommandOptions {
  port?: string;
  seed: string;
  eventsPerDay: string;
  orgUsers: string;
  rateLimit: string;
  tokenLifetime?: string;
  fault429?: string;
  fault5xx?: string;
  faultReset?: string;
  lateEvents?: string;
  duplicates?: string;
  failedQueries?: string;
  slowPolls?: string;
  firehoseInterval?: string;
  clientRoles: string;
}

function number(
  name: string,
  value: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new ConfigError(`--${name}: expected a number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  return n;
}

/**
 * `gcaudit sim`: the Genesys Cloud sandbox org simulator, until Ctrl-C. Prints where it
 * listens and the credentials to use; this is a local sandbox, so showing its own generated
 * secret to the terminal that started it is intended.
 */
export async function sim(opts: SimCommandOptions): Promise<void> {
  const config = loadConfig();
  // The same sandbox client as gcaudit up's: its secret is generated once in the data dir.
  const clientId = SANDBOX_CLIENT_ID;
  const clientSecret = ensureLocalCredentials(config.dataDir).sandboxClientSecret.reveal();
  const faults: Partial<Faults> = {};
  const set = (key: keyof Faults, name: string, value: string | undefined, min: number, max?: number) => {
    const n = number(name, value, min, max);
    if (n !== undefined) faults[key] = n;
  };
  set('tokenLifetimeSeconds', 'token-lifetime', opts.tokenLifetime, 1);
  set('rate429Share', 'fault-429', opts.fault429, 0, 1);
  set('serverErrorShare', 'fault-5xx', opts.fault5xx, 0, 1);
  set('resetMidBodyShare', 'fault-reset', opts.faultReset, 0, 1);
  set('lateEventShare', 'late-events', opts.lateEvents, 0, 1);
  set('duplicateAcrossPagesShare', 'duplicates', opts.duplicates, 0, 1);
  set('failedQueryShare', 'failed-queries', opts.failedQueries, 0, 1);
  set('slowQueryExtraPolls', 'slow-polls', opts.slowPolls, 0, 1000);
  const firehoseSeconds = number('firehose-interval', opts.firehoseInterval, 1);
  if (!CLIENT_ROLES.includes(opts.clientRoles as ClientRoles)) {
    throw new ConfigError(
      `--client-roles: expected ${CLIENT_ROLES.join(', ')} (got ${JSON.stringify(opts.clientRoles)})`,
    );
  }
  const s3 = firehoseSeconds ? createS3Client(config) : undefined;

  const simulator = await startSimulator({
    port: number('port', opts.port, 0, 65535) ?? config.local.simPort,
    seed: opts.seed,
    eventsPerDay: number('events-per-day', opts.eventsPerDay, 0, 10_000_000),
    orgUsers: number('org-users', opts.orgUsers, 120, 100_000),
    rateLimitPerMinute: number('rate-limit', opts.rateLimit, 1),
    clientId,
    clientSecret,
    faults,
    clientRoles: opts.clientRoles as ClientRoles,
    firehose: s3 ? { s3, bucket: config.s3.bucket, intervalMs: firehoseSeconds! * 1000 } : undefined,
  });
  const file = path.join(config.dataDir, 'local-credentials.json');
  const rel = path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file);
  const on = Object.entries(faults).map(([k, v]) => `${k}=${v}`);
  const rows: [string, string][] = [
    ['API base', simulator.baseUrl],
    ['Login base', `${simulator.loginUrl}  (token: POST ${simulator.tokenUrl})`],
    ['Client id', clientId],
    ['Client secret', `${clientSecret}  (kept in ${rel})`],
    ['Org id', simulator.orgId],
    [
      'Data',
      `seed ${simulator.seed}, about ${opts.eventsPerDay} events per weekday, the last 365 days, ${opts.orgUsers} users`,
    ],
    ['Faults', on.length ? on.join(', ') : 'none'],
    ['Ground truth', `${simulator.baseUrl}/_sim/truth?day=YYYY-MM-DD  and  ${simulator.baseUrl}/_sim/anomaly-days`],
  ];
  if (s3) rows.push(['Firehose', `every ${firehoseSeconds}s to s3://${config.s3.bucket}/raw/`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(
    `gcaudit sim: a sandbox Genesys Cloud org is up\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n` +
      `Point gcaudit at it:\n` +
      `  export GENESYS_API_BASE=${simulator.baseUrl}\n  export GENESYS_LOGIN_BASE=${simulator.loginUrl}\n` +
      `  export GENESYS_CLIENT_ID=${clientId}\n  export GENESYS_CLIENT_SECRET=${clientSecret}\n` +
      `Press Ctrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await simulator.close();
  s3?.destroy();
  process.stdout.write('gcaudit sim: stopped.\n');
}
