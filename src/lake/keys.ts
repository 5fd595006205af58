import { AccessTable } from '../model/access-tables';

export { ACCESS_TABLES, type AccessTable } from '../model/access-tables';

/**
 * Where everything lives in the lake bucket. Each org has its own root, so one bucket can hold
 * several orgs; tables are Hive-partitioned by year=/month=/day= (Athena partition projection
 * and DuckDB's hive_partitioning both read that).
 */
export type LakeTable = 'audit_events' | 'audit_events_live' | 'audit_findings' | AccessTable;

export function dayParts(day: string): { year: string; month: string; dd: string } {
  const [year, month, dd] = day.split('-');
  return { year, month, dd };
}

export function tablePrefix(org: string, table: LakeTable): string {
  return `${org}/${table}/`;
}

export function partitionPrefix(org: string, table: LakeTable, day: string): string {
  const { year, month, dd } = dayParts(day);
  return `${tablePrefix(org, table)}year=${year}/month=${month}/day=${dd}/`;
}

/** Base parts of a sealed day (version 1) and supplements of later versions hold only new events. */
export function eventPartKey(org: string, day: string, version: number, part: number): string {
  const name =
    version === 1 ? `part-${pad(part, 5)}.parquet` : `supplement-v${pad(version, 4)}-${pad(part, 5)}.parquet`;
  return `${partitionPrefix(org, 'audit_events', day)}${name}`;
}

/** The one file of an access snapshot table for a day (a re-run of the day writes nothing new). */
export const accessPartKey = (org: string, table: AccessTable, day: string) =>
  `${partitionPrefix(org, table, day)}part-00000.parquet`;

/** Everything that describes the lake's seals: chain entries, day pointers, signing keys. */
export const manifestsRoot = (org: string) => `${org}/manifests/`;
export const manifestChainPrefix = (org: string) => `${manifestsRoot(org)}chain/`;
export const manifestChainKey = (org: string, seq: number) => `${manifestChainPrefix(org)}${pad(seq, 9)}.json`;
export const dayPointersRoot = (org: string) => `${manifestsRoot(org)}days/`;
export const dayPointerPrefix = (org: string, day: string) => `${dayPointersRoot(org)}${day}/`;
export const dayPointerKey = (org: string, day: string, version: number) =>
  `${dayPointerPrefix(org, day)}v${pad(version, 4)}.json`;
export const signingKeysPrefix = (org: string) => `${manifestsRoot(org)}keys/`;
export const signingKeyKey = (org: string, keyId: string) => `${signingKeysPrefix(org)}${keyId}.pem`;

/** The key id a name under the signing keys says (undefined outside them): keys/<keyId>.pem. */
export function signingKeyIdOf(org: string, key: string): string | undefined {
  const prefix = signingKeysPrefix(org);
  return key.startsWith(prefix) ? key.slice(prefix.length).replace(/\.pem$/, '') : undefined;
}

/** The day a key under the day pointers belongs to (its folder), or undefined. */
export function dayOfPointerKey(org: string, key: string): string | undefined {
  const root = dayPointersRoot(org);
  if (!key.startsWith(root)) return undefined;
  const day = key.slice(root.length).split('/')[0];
  return day || undefined;
}

/** The seal version a day pointer's name gives, only for a key named exactly as dayPointerKey names it. */
export function dayPointerVersion(org: string, day: string, key: string): number | undefined {
  const m = /\/v(\d{4})\.json$/.exec(key);
  if (!m) return undefined;
  const version = Number(m[1]);
  return key === dayPointerKey(org, day, version) ? version : undefined;
}

/** Masked rows of one collection run, page by page, before the day is sealed. */
export const stagingPrefix = (org: string, day: string, runId: string) => `_staging/${org}/${day}/${runId}/`;
/** `chunk` names the page, e.g. w00-p000017: window and page index, so a re-fetched page overwrites its own chunk only. */
export const stagingChunkKey = (org: string, day: string, runId: string, chunk: string) =>
  `${stagingPrefix(org, day, runId)}${chunk}.ndjson`;
/** An access snapshot's masked rows of one table before they are written as Parquet. */
export const accessStagingKey = (org: string, day: string, runId: string, table: AccessTable) =>
  stagingChunkKey(org, day, `access-${runId}`, table);
export const accessStagingPrefix = (org: string, day: string, runId: string) =>
  stagingPrefix(org, day, `access-${runId}`);
export const pageChunkName = (window: number, page: number) => `w${pad(window, 2)}-p${pad(page, 6)}`;
/** Records that could not be transformed, masked, kept for a person to look at (never dropped). */
export const quarantineKey = (org: string, source: string, name: string) => `${org}/quarantine/${source}/${name}.json`;

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Parses a chain key back to its sequence number. */
export function chainSeq(key: string): number | undefined {
  const m = /\/(\d{9})\.json$/.exec(key);
  return m ? Number(m[1]) : undefined;
}
