/**
 * The Genesys Cloud sandbox org simulator (`gcaudit sim`, or in-process with startSimulator).
 *
 * Genesys endpoints (bearer token and per-token budget on /api/v2):
 *   POST /oauth/token                                  client credentials, Basic auth
 *   POST /api/v2/audits/query                          202 {id, state: Queued, ...}
 *   GET  /api/v2/audits/query/{id}                     202 Queued/Running, 200 Succeeded/Failed
 *   GET  /api/v2/audits/query/{id}/results             cursor, pageSize (25, max 500), expand=user, allowRedirect
 *   POST /api/v2/audits/query/realtime                 last 14 days, pageNumber/pageSize/total/pageCount
 *   POST /api/v2/audits/query/realtime/related         {auditId} -> every audit of the same transaction
 *   GET  /api/v2/audits/query/servicemapping           (and /realtime/servicemapping)
 *   GET  /api/v2/tokens/me, /api/v2/authorization/subjects/me, /api/v2/oauth/clients/{id}
 *                                                      what the OAuth client may do (authorization.ts)
 *   GET  /api/v2/users, /api/v2/authorization/roles[/{id}[/subjectgrants]],
 *        /api/v2/authorization/subjects/{id}, /api/v2/authorization/divisions,
 *        /api/v2/oauth/clients, /api/v2/organizations/me
 *                                                      the org's configuration (config-api.ts), derived
 *                                                      from the audit trail (config-state.ts)
 * Test hooks (no auth; a local sandbox's control plane, never part of the Genesys API):
 *   GET  /_sim/truth?day=YYYY-MM-DD    GET /_sim/anomaly-days?from=&to=    GET /_sim/stats
 *   GET  /_sim/access-truth            POST /_sim/client-roles {roles, permissions?}
 *   GET|POST /_sim/clock {now?, advanceMs?, real?}    GET|POST /_sim/faults {knob: value}
 *   POST /_sim/rate-limit {perMinute}    POST /_sim/firehose/flush {day} | {from, to}
 *   GET  /_sim/download/<token>        (the 302's downloadUrl, like a presigned S3 URL)
 */
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { ANOMALY_KINDS, AnomalyKind, planDay } from './anomalies';
import { serviceMapping } from './catalogue';
import { DAY_MS, SimClock, dayNumber, dayString, parseDay } from './clock';
import { AuthorizationDirectory, ClientRoles } from './authorization';
import { ConfigApi } from './config-api';
import { AccessTruth, ConfigHistory } from './config-state';
import { control } from './control';
import type { Simulator } from './simulator';
import { DayStore } from './day-store';
import { eventMessage } from './event';
import { DEFAULT_FAULTS, FaultDice, Faults, mergeFaults } from './faults';
import { FirehoseOptions, FirehoseWriter } from './firehose';
import { DayGenerator } from './generator';
import { OAuthServer } from './oauth';
import { AuditQueryService } from './audit-query-service';
import { RateLimiter } from './rate-limit';
import { createSimServer } from './server';
import { SimStats, emptyStats } from './stats';
import { DayTruth, buildTruth } from './truth';

export { ANOMALY_KINDS };
export { ACCESS_REVIEW_PERMISSIONS, CLIENT_ROLES } from './authorization';
export { isAdminLevel } from './config-state';
export type { AccessTruth, AnomalyKind, ClientRoles, DayTruth, Faults, FirehoseOptions, SimStats };
export type { StreamShares, StreamTruth, FlushResult } from './firehose';
export type { Anomaly } from './anomalies';
export type { Simulator } from './simulator';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Same seed, same org, same events. Default 'gcaudit-sim'. */
  seed?: string | number;
  /** Weekday volume (weekends about 40 %). Default 2000. */
  eventsPerDay?: number;
  /** Default 'gcaudit-sim-client'. */
  clientId?: string;
  /** Default: a random secret (read it back from the returned simulator). */
  clientSecret?: string;
  faults?: Partial<Faults>;
  /** Clock source; default real time. The clock can also be set and advanced later. */
  now?: () => Date;
  /** Per access token, default 300 (Genesys' client-credentials default). */
  rateLimitPerMinute?: number;
  /** Status polls until Succeeded, default 2 (Running, then Succeeded). */
  queryPollsToComplete?: number;
  /** allowRedirect=true turns pages over this many bytes into a 302. Default 1 MiB. */
  redirectThresholdBytes?: number;
  /** Larger pages get 400 response.entity.too.large unless redirected. Default 20 MiB. */
  maxResponseBytes?: number;
  /** Default 365. */
  retentionDays?: number;
  /** Default 14. */
  realtimeDays?: number;
  /** Days kept generated in memory, default 16 (covers the realtime window). */
  dayCacheSize?: number;
  /** Share of weekdays, besides the weekly all-anomalies day, with a few anomalies. Default 0.15. */
  anomalyDayShare?: number;
  /** Audits over 256 KB per day. Default 1. */
  oversizedPerDay?: number;
  /** Where EventBridge-through-Firehose objects go (MinIO / S3). */
  firehose?: FirehoseOptions;
  /** Roles of the OAuth client: only audits:audit:view (default), or also an access reviewer's or Genesys' admin role. */
  clientRoles?: ClientRoles;
  /** Core users of the org (default 120); e.g. 5000 for a large org's access snapshot. */
  orgUsers?: number;
  /**
   * Days of access history replayed onto the initial configuration (default 7): the history
   * starts this many days before the day of the first configuration request (or `accessEpoch`).
   */
  accessHistoryDays?: number;
  /** First day (YYYY-MM-DD) of the access history, instead of the first request's day minus accessHistoryDays. */
  accessEpoch?: string;
}

function requireDay(day: string): number {
  const d = parseDay(day);
  if (d === undefined) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  return d;
}

/** Starts the sandbox org: an HTTP server speaking the Genesys audit API, on 127.0.0.1. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = String(options.seed ?? 'gcaudit-sim');
  const clock = new SimClock(options.now);
  let faults: Faults = mergeFaults({ ...DEFAULT_FAULTS }, options.faults ?? {});
  const dice = new FaultDice(seed);
  const generator = new DayGenerator({
    seed,
    eventsPerDay: options.eventsPerDay ?? 2000,
    anomalyDayShare: options.anomalyDayShare ?? 0.15,
    oversizedPerDay: options.oversizedPerDay ?? 1,
    orgUsers: options.orgUsers,
  });
  const org = generator.org;
  const store = new DayStore(generator, options.dayCacheSize ?? 16);
  const retentionDays = options.retentionDays ?? 365;
  const engine = new AuditQueryService(
    store,
    clock,
    {
      queryPollsToComplete: options.queryPollsToComplete ?? 2,
      retentionDays,
      realtimeDays: options.realtimeDays ?? 14,
      redirectThresholdBytes: options.redirectThresholdBytes ?? 1024 * 1024,
      maxResponseBytes: options.maxResponseBytes ?? 20 * 1024 * 1024,
    },
    () => faults,
    dice,
  );
  const clientId = options.clientId ?? 'gcaudit-sim-client';
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
  const oauth = new OAuthServer(clientId, clientSecret, clock, () => faults.tokenLifetimeSeconds);
  const limiter = new RateLimiter(options.rateLimitPerMinute ?? 300);
  const authorization = new AuthorizationDirectory(
    seed,
    { id: org.id, name: org.name },
    clientId,
    options.clientRoles ?? 'least-privilege',
  );
  if (options.orgUsers !== undefined && (!Number.isInteger(options.orgUsers) || options.orgUsers < 120))
    throw new RangeError('orgUsers: expected an integer >= 120 (the planted anomalies need that many)');
  const historyDays = options.accessHistoryDays ?? 7;
  if (!Number.isInteger(historyDays) || historyDays < 0)
    throw new RangeError('accessHistoryDays: expected an integer >= 0');
  const explicitEpoch = options.accessEpoch === undefined ? undefined : requireDay(options.accessEpoch);
  let history: ConfigHistory | undefined;
  // Fixed on first use: snapshots of different days must replay the same history.
  const accessHistory = () => {
    if (!history) {
      const now = clock.nowMs();
      const epoch = explicitEpoch ?? dayNumber(now) - historyDays;
      // The out-of-band grant is made a minute after the configuration is first read, so the
      // first snapshot never has it and any later one (a later day's) does.
      history = new ConfigHistory(store, epoch, now + 60_000, dayNumber(now) + 2);
    }
    return history;
  };
  const accessTruth = (): AccessTruth => {
    const t = accessHistory().at(clock.nowMs()).truth;
    const adminRole = authorization.definedRoles().find((r) => r.permissions.includes('*:*:*'));
    return { ...t, adminRoleIds: [...t.adminRoleIds, ...(adminRole ? [adminRole.id] : [])] };
  };
  const config = new ConfigApi(() => accessHistory().at(clock.nowMs()), authorization, org, { clientId });
  const stats = emptyStats();
  const firehose = options.firehose ? new FirehoseWriter(options.firehose, store, clock, org.id, seed) : undefined;
  let baseUrl = '';

  const sim: Simulator = {
    baseUrl: '',
    loginUrl: '',
    tokenUrl: '',
    clientId,
    clientSecret,
    orgId: org.id,
    seed,
    clock,
    setNow: (at) => clock.set(at),
    advance: (ms) => clock.advance(ms),
    faults: () => ({ ...faults }),
    setFaults: (update) => {
      faults = mergeFaults(faults, update);
      return { ...faults };
    },
    setRateLimit: (perMinute) => limiter.setLimit(perMinute),
    setClientRoles: (roles, reviewerPermissions) => authorization.setRoles(roles, reviewerPermissions),
    accessTruth,
    truth: (day) => {
      const d = requireDay(day);
      return buildTruth(store.get(d), org, clock.nowMs(), retentionDays, faults.lateEventShare, firehose?.truth(d));
    },
    anomalyDays: (range = {}) => {
      const today = dayNumber(clock.nowMs());
      const from = range.from ? requireDay(range.from) : today - retentionDays;
      const to = range.to ? requireDay(range.to) : today;
      const out: Array<{ day: string; kinds: AnomalyKind[]; full: boolean }> = [];
      for (let d = from; d <= to; d++) {
        const plan = planDay(seed, d, options.anomalyDayShare ?? 0.15);
        if (plan.kinds.length > 0) out.push({ day: dayString(d), kinds: plan.kinds, full: plan.full });
      }
      return out;
    },
    events: (day, opts) => store.get(requireDay(day)).events.map((e) => eventMessage(e, opts?.expandUser)),
    firehose,
    stats: () => ({
      ...stats,
      byStatus: { ...stats.byStatus },
      byRoute: { ...stats.byRoute },
      duplicatesServed: engine.duplicatesServed,
    }),
    close: async () => {
      firehose?.stop();
      await firehose?.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };

  const server = createSimServer({
    oauth,
    limiter,
    engine,
    dice,
    faults: () => faults,
    stats,
    serviceMappingJson: JSON.stringify(serviceMapping()),
    baseUrl: () => baseUrl,
    authorization,
    config,
    control: (method, path, params, body) =>
      control(sim, (token) => engine.download(token), method, path, params, body),
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host}:${port}`;
  sim.baseUrl = baseUrl;
  sim.loginUrl = baseUrl;
  sim.tokenUrl = `${baseUrl}/oauth/token`;
  return sim;
}

export { DAY_MS, dayString, parseDay };
