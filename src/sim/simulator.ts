import type { AuditLogMessage } from '../model/audit-log-message';
import type { AnomalyKind } from './anomalies';
import type { ClientRoles } from './authorization';
import type { SimClock } from './clock';
import type { Faults } from './faults';
import type { FirehoseWriter } from './firehose';
import type { SimStats } from './stats';
import type { DayTruth } from './truth';
import type { AccessTruth } from './config-state';

/** A running sandbox org (startSimulator's result); its own file so the control routes can name it without importing the server. */
export interface Simulator {
  /** API base, e.g. http://127.0.0.1:8787 (GENESYS_API_BASE). */
  baseUrl: string;
  /** Login base: the same server (GENESYS_LOGIN_BASE); the token endpoint is tokenUrl. */
  loginUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  orgId: string;
  seed: string;
  clock: SimClock;
  setNow(at: Date | string | number): void;
  advance(ms: number): void;
  faults(): Faults;
  setFaults(update: Partial<Faults>): Faults;
  setRateLimit(perMinute: number): void;
  /**
   * Gives the OAuth client only audits:audit:view, or an access reviewer's role too (narrowed to
   * `reviewerPermissions` when given), or the admin role too.
   */
  setClientRoles(roles: ClientRoles, reviewerPermissions?: readonly string[]): void;
  /** Ground truth of the planted access anomalies, as of the simulated now. */
  accessTruth(): AccessTruth;
  /** Ground truth of a UTC day (YYYY-MM-DD). */
  truth(day: string): DayTruth;
  /** Days in [from, to] (default: the retained year up to today) that carry anomalies. */
  anomalyDays(range?: { from?: string; to?: string }): Array<{ day: string; kinds: AnomalyKind[]; full: boolean }>;
  /** A day's wire records in eventDate order; user.name only with expandUser (as expand=user). */
  events(day: string, options?: { expandUser?: boolean }): AuditLogMessage[];
  firehose?: FirehoseWriter;
  stats(): SimStats;
  close(): Promise<void>;
}
