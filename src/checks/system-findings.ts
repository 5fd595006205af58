/**
 * Findings the system raises itself, not a check's SQL (today: a stream event whose full record
 * the audit API never returned). Each is registered here like a check, with its controls, so the
 * evidence package counts its findings per control, in OSCAL and in findings.csv like any check's.
 * Ids are stable: findings already in the lake carry them.
 */
import { ConfigError } from '../errors';
import { Check, loadChecks } from './check-file';

/** Not a query: written by the rehydration when its time is up (src/ingest/rehydrate-event.ts). */
export const REHYDRATION_UNRESOLVED: Check = {
  id: 'unresolved_stream_event',
  title: 'Stream event whose full record could not be fetched',
  severity: 'medium',
  description:
    'An audit event arrived on the EventBridge stream truncated, unparsable or missing fields, and the audit query API did not return its full record within the rehydration period.',
  controls: { SOC2: ['CC7.2'], PCI_DSS_4: ['10.7.2'], HIPAA: ['164.312(b)'] },
  parameters: {},
  runbook:
    'Look the event id up in the Genesys audit viewer. If the API never returns it, keep the masked stream copy (ingest quarantine) as the evidence and open a Genesys support case.',
  tests: { firesOn: 'unresolved rehydration' },
  requiresTables: [],
  sql: '',
};

export const SYSTEM_FINDINGS: readonly Check[] = [REHYDRATION_UNRESOLVED];

/** Everything that stores findings: the check files, then the system's own; an id used twice is a ConfigError. */
export function findingSources(checks: readonly Check[] = loadChecks()): Check[] {
  const all = [...checks, ...SYSTEM_FINDINGS];
  const system = new Set(SYSTEM_FINDINGS.map((c) => c.id));
  const clash = checks.find((c) => system.has(c.id));
  if (clash)
    throw new ConfigError(`checks/${clash.id}.yml: the id ${clash.id} is a system finding's; rename the check`);
  return all;
}
