import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Lake } from '../s3/lake';
import { listKeys } from '../s3/list-objects';
import { pad } from '../lake/keys';
import { putLockedObject } from '../s3/locked-object';
import { ExtraColumn } from './extra-columns';

/**
 * The lake's column additions, versioned: `<org>/schema/columns-vNNNN.json`, each version locked
 * like every lake object. A version lists every column of the one before (columns are never
 * dropped, renamed or retyped) plus the new ones.
 */
export interface SchemaState {
  version: number;
  createdAt: string;
  columns: Array<ExtraColumn & { addedAt: string; addedInVersion: number }>;
  /** What this version added, for the report. */
  added: string[];
}

export const schemaStatePrefix = (org: string) => `${org}/schema/`;
export const schemaStateKey = (org: string, version: number) =>
  `${schemaStatePrefix(org)}columns-v${pad(version, 4)}.json`;

const EMPTY: SchemaState = { version: 0, createdAt: '', columns: [], added: [] };

export async function readSchemaState(lake: Lake, org: string): Promise<SchemaState> {
  const { s3, bucket } = lake;
  const keys = (await listKeys(s3, bucket, schemaStatePrefix(org))).filter((k) => /columns-v\d{4}\.json$/.test(k));
  const latest = keys.sort().at(-1);
  if (!latest) return EMPTY;
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: latest }));
  return JSON.parse(await res.Body!.transformToString()) as SchemaState;
}

/** Writes the next version with `add` appended; existing columns stay as they are. */
export async function appendSchemaColumns(
  lake: Lake,
  org: string,
  previous: SchemaState,
  add: ExtraColumn[],
  now: string,
): Promise<{ state: SchemaState; key: string }> {
  const known = new Set(previous.columns.map((c) => c.name));
  const fresh = add.filter((c) => !known.has(c.name));
  const version = previous.version + 1;
  const state: SchemaState = {
    version,
    createdAt: now,
    columns: [...previous.columns, ...fresh.map((c) => ({ ...c, addedAt: now, addedInVersion: version }))],
    added: fresh.map((c) => c.name),
  };
  const key = schemaStateKey(org, version);
  await putLockedObject(lake, {
    key,
    body: Buffer.from(`${JSON.stringify(state, null, 2)}\n`),
    contentType: 'application/json',
  });
  return { state, key };
}
