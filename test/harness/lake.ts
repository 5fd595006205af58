/** Reads back what the lake holds, with DuckDB over the real objects, for assertions. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { listKeys } from '../../src/s3/list-objects';
import { openDuckDb } from '../../src/lake/duckdb';
import { LakeTable, partitionPrefix } from '../../src/lake/keys';
import { CanonicalEvent } from '../../src/model/canonical';

export interface DayContents {
  keys: string[];
  /** Distinct event ids. */
  eventIds: string[];
  rows: number;
  /** (event_id, change_index) pairs stored more than once: must be 0. */
  duplicateRows: number;
  /** Every string value of every row, joined (for leak checks). */
  text: string;
}

export async function readDay(
  s3: S3Client,
  bucket: string,
  org: string,
  day: string,
  table: LakeTable = 'audit_events',
): Promise<DayContents> {
  const keys = (await listKeys(s3, bucket, partitionPrefix(org, table, day))).filter((k) => k.endsWith('.parquet'));
  const dir = mkdtempSync(path.join(tmpdir(), 'read-day-'));
  const db = await openDuckDb();
  try {
    if (keys.length === 0) return { keys, eventIds: [], rows: 0, duplicateRows: 0, text: '' };
    const files: string[] = [];
    for (const [i, key] of keys.entries()) {
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const file = path.join(dir, `${i}.parquet`);
      writeFileSync(file, await res.Body!.transformToByteArray());
      files.push(file);
    }
    const rel = `read_parquet([${files.map((f) => `'${f}'`).join(',')}], union_by_name = true)`;
    const q = async (sql: string) => (await db.connection.runAndReadAll(sql)).getRows();
    const eventIds = (await q(`SELECT DISTINCT event_id FROM ${rel} ORDER BY 1`)).map((r) => String(r[0]));
    const rows = Number((await q(`SELECT count(*) FROM ${rel}`))[0][0]);
    const duplicateRows = Number(
      (
        await q(`SELECT count(*) FROM (SELECT event_id, change_index FROM ${rel} GROUP BY ALL HAVING count(*) > 1)`)
      )[0][0],
    );
    const text = (await q(`SELECT to_json(t)::VARCHAR FROM ${rel} t`)).map((r) => String(r[0])).join('\n');
    return { keys, eventIds, rows, duplicateRows, text };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A plausible masked canonical event for tests that write the lake directly (as event lines). */
export function lakeEvent(eventId: string, time: string, overrides: Partial<CanonicalEvent> = {}): CanonicalEvent {
  return {
    eventId,
    eventTime: time,
    serviceName: 'PeoplePermissions',
    level: 'USER',
    action: 'Update',
    status: 'SUCCESS',
    entityType: 'Role',
    entityId: 'role-1',
    entityName: 'Admin',
    userId: 'user-1',
    userName: null,
    clientId: null,
    remoteIp: '203.0.113.7',
    transactionId: `tx-${eventId}`,
    source: 'api',
    propertyChanges: [],
    extra: {},
    ...overrides,
  };
}

/** An event with `changes` property changes p1..pn (so `changes` lake rows, or one when 0). */
export function lakeEventWithChanges(eventId: string, time: string, changes: number): CanonicalEvent {
  return lakeEvent(eventId, time, {
    propertyChanges: Array.from({ length: changes }, (_, i) => ({
      property: `p${i + 1}`,
      oldValues: [],
      newValues: ['v'],
    })),
  });
}
