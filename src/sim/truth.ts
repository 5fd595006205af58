import {
  ANOMALY_KINDS,
  Anomaly,
  AnomalyKind,
  BUSINESS_HOURS,
  CHANGE_WINDOW,
  HIGH_RISK_PERMISSIONS,
  RULES,
  SECURITY_SETTINGS,
} from './anomalies';
import { DAY_MS } from './clock';
import { StreamTruth } from './firehose';
import { DayData } from './generator';
import { Org } from './org';

/** Ground truth of one UTC day, for tests and for parameterizing the compliance checks. */
export interface DayTruth {
  day: string;
  orgId: string;
  /** Inside the API's one-year retention as of the simulated now. */
  retained: boolean;
  /**
   * Every event whose eventDate is in the day (late ones included), in eventDate order. For
   * the current day this includes events after "now", which the API does not serve yet.
   */
  eventIds: string[];
  /** Events (of this day) the API serves only from `visibleAt` on (fault lateEventShare). */
  late: Array<{ id: string; eventDate: string; visibleAt: string }>;
  anomalies: Anomaly[];
  /** Full days carry every anomaly kind; normal days none. */
  dayKind: 'normal' | 'anomalies' | 'all-anomalies';
  changeWindow: typeof CHANGE_WINDOW;
  businessHours: typeof BUSINESS_HOURS;
  rules: Record<AnomalyKind, string>;
  highRiskPermissions: string[];
  securitySettings: string[];
  /** Known system users (level SYSTEM): checks exclude them. */
  systemUserIds: string[];
  adminUserIds: string[];
  /** Every personal value planted on the day, exactly as planted. */
  pii: { emails: string[]; phones: string[]; names: string[] };
  /** Audits over EventBridge's 256 KB limit (always truncated in the stream). */
  oversizedEventIds: string[];
  /** Present once a Firehose delivery covered this day. */
  stream?: StreamTruth;
}

export function buildTruth(
  data: DayData,
  org: Org,
  nowMs: number,
  retentionDays: number,
  lateShare: number,
  stream?: StreamTruth,
): DayTruth {
  const late: DayTruth['late'] = [];
  if (lateShare > 0) {
    for (const e of data.events) {
      if (e.lateRoll < lateShare)
        late.push({
          id: e.id,
          eventDate: new Date(e.time).toISOString(),
          visibleAt: new Date(e.time + e.lateDelayMs).toISOString(),
        });
    }
  }
  return {
    day: data.day,
    orgId: org.id,
    retained: (data.dayNum + 1) * DAY_MS > nowMs - retentionDays * DAY_MS,
    eventIds: data.events.map((e) => e.id),
    late,
    anomalies: data.anomalies,
    dayKind: data.plan.full ? 'all-anomalies' : data.plan.kinds.length > 0 ? 'anomalies' : 'normal',
    changeWindow: CHANGE_WINDOW,
    businessHours: BUSINESS_HOURS,
    rules: RULES,
    highRiskPermissions: HIGH_RISK_PERMISSIONS,
    securitySettings: SECURITY_SETTINGS,
    systemUserIds: org.systemUsers.map((u) => u.id),
    adminUserIds: org.admins.map((u) => u.id),
    pii: data.pii,
    oversizedEventIds: data.events.filter((e) => e.oversized).map((e) => e.id),
    stream,
  };
}

export { ANOMALY_KINDS };
