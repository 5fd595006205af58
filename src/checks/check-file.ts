import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors';
import { PROJECT_ROOT } from '../paths';
import { ACCESS_TABLES, AccessTable, isAccessTable } from '../query/lake-tables';
import { BUILTIN_PARAMS, coerceParam, ParamSpec, ParamType } from './params';

/** A compliance check: checks/<id>.sql (the query) and checks/<id>.yml (what it means). */
export interface Check {
  id: string;
  title: string;
  severity: Severity;
  description: string;
  controls: { SOC2: string[]; PCI_DSS_4: string[]; HIPAA: string[] };
  parameters: Record<string, ParamSpec>;
  runbook: string;
  tests: { firesOn: string };
  /** Snapshot tables the check needs besides those its SQL names (e.g. behind access_reconciliation). */
  requiresTables: AccessTable[];
  sql: string;
}

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CHECKS_DIR = path.join(PROJECT_ROOT, 'checks');

/** Columns every check returns: one row per matching event; rows with the same finding_key are one finding. */
export const RESULT_COLUMNS = ['finding_key', 'event_id', 'event_time', 'user_id', 'summary'] as const;

const PARAM_TYPES: [ParamType, ...ParamType[]] = [
  'integer',
  'minutes',
  'string',
  'string_list',
  'boolean',
  'weekly_windows',
];

const metaSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]{2,63}$/),
    title: z.string().min(5),
    severity: z.enum(SEVERITIES),
    description: z.string().min(10),
    controls: z.object({
      SOC2: z.array(z.string()).min(1),
      PCI_DSS_4: z.array(z.string()).min(1),
      HIPAA: z.array(z.string()).min(1),
    }),
    parameters: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_]*$/),
        z.object({
          type: z.enum(PARAM_TYPES),
          default: z.union([z.number(), z.string(), z.boolean(), z.array(z.string())]),
          description: z.string().min(3),
          setting: z.string().optional(),
          min: z.number().optional(),
          max: z.number().optional(),
        }),
      )
      .default({}),
    runbook: z.string().min(20),
    tests: z.object({ fires_on: z.string() }),
    requires_tables: z.array(z.enum(ACCESS_TABLES)).default([]),
  })
  .strict();

/** Reads and validates every check in `dir`; a broken check is a ConfigError naming the file. */
export function loadChecks(dir = CHECKS_DIR): Check[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort();
  return files.map((f) => loadCheck(dir, f.replace(/\.yml$/, '')));
}

export function loadCheck(dir: string, id: string): Check {
  const ymlPath = path.join(dir, `${id}.yml`);
  const sqlPath = path.join(dir, `${id}.sql`);
  let meta: z.infer<typeof metaSchema>;
  let sql: string;
  try {
    const parsed = metaSchema.safeParse(YAML.parse(readFileSync(ymlPath, 'utf8')));
    if (!parsed.success)
      throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    meta = parsed.data;
    sql = readFileSync(sqlPath, 'utf8');
  } catch (err) {
    throw new ConfigError(`check ${id}: ${(err as Error).message}`);
  }
  const check: Check = {
    id: meta.id,
    title: meta.title,
    severity: meta.severity,
    description: meta.description.trim(),
    controls: meta.controls,
    parameters: meta.parameters,
    runbook: meta.runbook.trim(),
    tests: { firesOn: meta.tests.fires_on },
    requiresTables: meta.requires_tables,
    sql,
  };
  validateCheck(check, id);
  return check;
}

/** What the runner relies on: the id matches the file, every placeholder is known, system users are excluded. */
export function validateCheck(check: Check, fileId: string): void {
  const fail = (why: string) => {
    throw new ConfigError(`check ${fileId}: ${why}`);
  };
  if (check.id !== fileId) fail(`id "${check.id}" does not match the file name`);
  for (const [name, spec] of Object.entries(check.parameters)) {
    if ((BUILTIN_PARAMS as readonly string[]).includes(name)) fail(`parameter ${name} is built in; do not declare it`);
    try {
      coerceParam(name, spec, spec.default);
    } catch (err) {
      fail(`default of ${name}: ${(err as Error).message}`);
    }
  }
  const used = new Set([...check.sql.matchAll(/\{\{\s*([a-z0-9_]+)\s*\}\}/g)].map((m) => m[1]));
  for (const name of used) {
    if (!(BUILTIN_PARAMS as readonly string[]).includes(name) && !(name in check.parameters))
      fail(`the SQL uses {{${name}}}, which is not declared`);
  }
  for (const name of Object.keys(check.parameters))
    if (!used.has(name)) fail(`parameter ${name} is declared but the SQL does not use it`);
  // Snapshot checks read no event levels: include_system_level is the events' business.
  const builtins = isAccessCheck(check) ? BUILTIN_PARAMS.filter((p) => p !== 'include_system_level') : BUILTIN_PARAMS;
  for (const required of builtins) {
    if (!used.has(required))
      fail(`the SQL must use {{${required}}} (window, partition pruning and system-user exclusion are in every check)`);
  }
  if (/;\s*\S/.test(check.sql.replace(/--[^\n]*/g, ''))) fail('the SQL must be a single statement');
}

/** A check over the access snapshots (it names a snapshot table or the reconciliation view). */
export function isAccessCheck(check: Pick<Check, 'sql'>): boolean {
  return accessTablesOf(check).length > 0 || /\baccess_reconciliation\b/i.test(check.sql);
}

/** The snapshot tables a check needs readable: those its SQL names and those its YAML lists. */
export function accessTablesOf(check: Pick<Check, 'sql'> & Partial<Pick<Check, 'requiresTables'>>): AccessTable[] {
  const named = [...check.sql.toLowerCase().matchAll(/\b(access_[a-z_]+)\b/g)].map((m) => m[1]).filter(isAccessTable);
  return [...new Set([...named, ...(check.requiresTables ?? [])])].sort();
}
