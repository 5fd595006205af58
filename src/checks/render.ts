import { Config } from '../config/config';
import { ConfigError } from '../errors';
import { Check } from './check-file';
import {
  CheckWindow,
  coerceParam,
  ParamValue,
  partitionPredicate,
  renderParam,
  timestampLiteral,
  windowDays,
} from './params';

/** What a run takes from the environment: config settings, system users, per-run overrides. */
export interface RenderContext {
  systemUserIds: string[];
  /** Values of the settings checks may name (CHECKS_CHANGE_WINDOWS ...). */
  settings: Record<string, string>;
  /** Per-run overrides by parameter name (CLI --param name=value). */
  overrides?: Record<string, string>;
  /** Count rows with level SYSTEM too (default false: system activity is excluded). */
  includeSystemLevel?: boolean;
}

export function renderContextFromConfig(config: Config, overrides?: Record<string, string>): RenderContext {
  return {
    systemUserIds: config.checks.systemUserIds,
    settings: {
      CHECKS_CHANGE_WINDOWS: config.checks.changeWindows,
      CHECKS_BUSINESS_HOURS: config.checks.businessHours,
    },
    overrides,
  };
}

export interface RenderedCheck {
  sql: string;
  params: Record<string, ParamValue>;
  days: { from: string; to: string };
}

/** The check's SQL with every {{placeholder}} replaced by a typed, quoted literal. */
export function renderCheck(check: Check, window: CheckWindow, ctx: RenderContext): RenderedCheck {
  if (!(Date.parse(window.from) < Date.parse(window.to)))
    throw new ConfigError(`check window: from (${window.from}) must be before to (${window.to})`);
  const params: Record<string, ParamValue> = {};
  const rendered: Record<string, string> = {
    from: timestampLiteral(window.from),
    to: timestampLiteral(window.to),
    partitions: partitionPredicate(window),
    system_user_ids: renderParam('string_list', ctx.systemUserIds),
    include_system_level: renderParam('boolean', ctx.includeSystemLevel ?? false),
  };
  for (const [name, spec] of Object.entries(check.parameters)) {
    const raw = ctx.overrides?.[name] ?? (spec.setting ? ctx.settings[spec.setting] : undefined) ?? spec.default;
    const value = coerceParam(name, spec, raw);
    params[name] = value;
    rendered[name] = renderParam(spec.type, value);
  }
  const sql = check.sql.replace(/\{\{\s*([a-z0-9_]+)\s*\}\}/g, (_m, name: string) => rendered[name]);
  return {
    sql,
    params: { ...params, system_user_ids: ctx.systemUserIds, include_system_level: ctx.includeSystemLevel ?? false },
    days: windowDays(window),
  };
}

/**
 * The check as an Athena named query: the window is the previous UTC day, computed by Athena at
 * run time (parameters at their configured values), so the saved query stays useful.
 */
export function renderNamedQuery(check: Check, ctx: RenderContext): string {
  const today = `CAST(current_date AS TIMESTAMP)`;
  const yesterday = `CAST(current_date - INTERVAL '1' DAY AS TIMESTAMP)`;
  const dynamic: Record<string, string> = {
    from: yesterday,
    to: today,
    partitions: `(year || '-' || month || '-' || day) = CAST(current_date - INTERVAL '1' DAY AS VARCHAR)`,
  };
  // Render the parameters, keeping the window placeholders for the expressions above.
  const fixed = renderCheck(
    { ...check, sql: check.sql.replace(/\{\{\s*(from|to|partitions)\s*\}\}/g, (_m, n: string) => `@@${n}@@`) },
    { from: '2000-01-01T00:00:00.000Z', to: '2000-01-02T00:00:00.000Z' },
    ctx,
  );
  const sql = fixed.sql.replace(/@@(from|to|partitions)@@/g, (_m, n: string) => dynamic[n]);
  return `-- ${check.title} (${check.id}): the previous UTC day. checks/${check.id}.sql with its parameters.\n${sql.trim()}\n`;
}
