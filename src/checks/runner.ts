import { QueryEngine, QueryStats, rowObjects } from '../query/engine';
import { Check, isAccessCheck, RESULT_COLUMNS, Severity } from './check-file';
import { accessCoverageProblems } from './access-coverage';
import { CheckWindow, ParamValue } from './params';
import { renderCheck, RenderContext } from './render';
import { ConfigError } from '../errors';

export interface Finding {
  checkId: string;
  title: string;
  severity: Severity;
  controls: Check['controls'];
  /** Groups the matching events into one finding (a user, an account, an event). */
  key: string;
  userId: string | null;
  eventIds: string[];
  firstEventTime: string;
  lastEventTime: string;
  summary: string;
  window: CheckWindow;
}

export interface CheckRun {
  check: Check;
  window: CheckWindow;
  params: Record<string, ParamValue>;
  findings: Finding[];
  stats: QueryStats;
  /**
   * not_evaluable: the check's snapshot tables could not be read (or there is no snapshot) for
   * the window, so no findings means nothing, and the reasons say why. Never a silent pass.
   */
  status: 'evaluated' | 'not_evaluable';
  notEvaluable: string[];
}

/** Runs each check over the window on the engine; rows become findings grouped by finding_key. */
export async function runChecks(
  engine: QueryEngine,
  checks: Check[],
  window: CheckWindow,
  ctx: RenderContext,
  onCheck?: (run: CheckRun) => void,
): Promise<CheckRun[]> {
  const runs: CheckRun[] = [];
  for (const check of checks) {
    const rendered = renderCheck(check, window, ctx);
    const unknown = isAccessCheck(check) ? await accessCoverageProblems(engine, check, window) : [];
    if (unknown.length > 0) {
      const run: CheckRun = {
        check,
        window,
        params: rendered.params,
        findings: [],
        stats: { engine: engine.name, ms: 0, filesRead: 0, bytesScanned: 0 },
        status: 'not_evaluable',
        notEvaluable: unknown,
      };
      runs.push(run);
      onCheck?.(run);
      continue;
    }
    const result = await engine.query(rendered.sql, { days: rendered.days });
    const names = result.columns.map((c) => c.name);
    for (const col of RESULT_COLUMNS)
      if (!names.includes(col)) throw new ConfigError(`check ${check.id}: its SQL must return a column ${col}`);
    const run: CheckRun = {
      check,
      window,
      params: rendered.params,
      findings: toFindings(check, window, rowObjects(result)),
      stats: result.stats,
      status: 'evaluated',
      notEvaluable: [],
    };
    runs.push(run);
    onCheck?.(run);
  }
  return runs;
}

/** Engines print timestamps as 'YYYY-MM-DD HH:MM:SS.fff' (UTC); findings carry ISO-8601. */
export function isoTime(text: string): string {
  const s = text.replace(' ', 'T');
  return new Date(/[Zz]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`).toISOString();
}

function toFindings(check: Check, window: CheckWindow, rows: Array<Record<string, string | null>>): Finding[] {
  const groups = new Map<string, Array<Record<string, string | null>>>();
  for (const r of rows) {
    const key = r.finding_key ?? r.event_id ?? '';
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const findings: Finding[] = [];
  for (const [key, group] of groups) {
    const byEvent = new Map<string, string>();
    for (const r of group) if (r.event_id && r.event_time) byEvent.set(r.event_id, isoTime(r.event_time));
    // Snapshot findings may have no event (a grant nobody granted): their time is the snapshot's.
    const times = (
      byEvent.size > 0 ? [...byEvent.values()] : group.flatMap((r) => (r.event_time ? [isoTime(r.event_time)] : []))
    ).sort();
    const users = [...new Set(group.map((r) => r.user_id).filter((u): u is string => u !== null))].sort();
    findings.push({
      checkId: check.id,
      title: check.title,
      severity: check.severity,
      controls: check.controls,
      key,
      userId: users.length === 1 ? users[0] : users.length === 0 ? null : users.join(','),
      eventIds: [...byEvent.keys()].sort(),
      firstEventTime: times[0],
      lastEventTime: times[times.length - 1],
      summary:
        [...new Set(group.map((r) => r.summary ?? ''))].sort()[0] +
        (byEvent.size > 0 ? ` (${byEvent.size} event${byEvent.size === 1 ? '' : 's'})` : ''),
      window,
    });
  }
  return findings.sort((a, b) => a.firstEventTime.localeCompare(b.firstEventTime) || a.key.localeCompare(b.key));
}
