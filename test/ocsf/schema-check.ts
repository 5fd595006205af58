/** Runs the OCSF schema validator (test/ocsf/validate_ocsf.py, PyPI ocsf-json-schema + jsonschema from setup) over events. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths';

export interface OcsfSchemaReport {
  events: number;
  classes: Record<string, number>;
  errors: Array<{ line: number; uid: string | null; class?: string; path?: string; error: string }>;
}

export const VENV_PYTHON = path.join(PROJECT_ROOT, '.tools', 'venv', 'bin', 'python');

export function validateOcsf(events: Array<Record<string, unknown>>): OcsfSchemaReport {
  const run = spawnSync(VENV_PYTHON, [path.join(PROJECT_ROOT, 'test', 'ocsf', 'validate_ocsf.py')], {
    input: events.map((e) => JSON.stringify(e)).join('\n'),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`validate_ocsf.py failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as OcsfSchemaReport;
}
