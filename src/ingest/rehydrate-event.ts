/**
 * The end of one event's rehydration, in the lake: its full record as a live part (transformed
 * like any API record: normalized, minimized, masked), or, when it could not be resolved, a
 * finding. Either way a record under ingest/rehydrations/<day>/ says what happened, for the
 * day's reconciliation.
 */
import * as path from 'node:path';
import { storeFindings } from '../checks/findings-store';
import { REHYDRATION_UNRESOLVED } from '../checks/system-findings';
import type { Lake } from '../s3/lake';
import { dayInterval } from '../days';
import { DuckDbLimits, openScratchDuckDb } from '../lake/duckdb';
import { EventLineFile } from '../lake/event-line-file';
import { AuditLogMessage } from '../model/audit-log-message';
import { EngineName } from '../query/engine';
import { TransformContext, transformBatch } from '../transform/pipeline';
import { quarantinedRecord } from '../transform/quarantine';
import { RehydrationRequest } from './envelope';
import { liveRehydratedPartKey, rehydrationKey, streamEventQuarantineKey } from './ingest-keys';
import { writeLivePart } from './live-part';
import { putLockedJson } from './locked-json';

export interface RehydrationRecord {
  eventId: string;
  status: 'rehydrated' | 'unresolved';
  reason: RehydrationRequest['reason'];
  via?: 'related' | 'query';
  liveKey?: string;
  attempts?: number;
  why?: string;
}

export interface StoreDeps {
  lake: Lake;
  duckdb: DuckDbLimits;
  transform: TransformContext;
}

/** Writes the fetched record; null when the API's record itself cannot be transformed (quarantined). */
export async function storeRehydrated(
  deps: StoreDeps,
  org: string,
  req: RehydrationRequest,
  record: AuditLogMessage,
  via: 'related' | 'query',
): Promise<{ liveKey: string; rows: number } | { invalid: string }> {
  const { lake, transform } = deps;
  const batch = transformBatch([record], 'api', transform);
  if (batch.invalid.length > 0) {
    const { defect, reason } = batch.invalid[0];
    await putLockedJson(
      lake,
      streamEventQuarantineKey(org, req.eventId),
      quarantinedRecord(transform, { type: defect, reason, eventId: req.eventId }, record),
    );
    return { invalid: batch.invalid[0].reason };
  }
  const day = batch.events[0].eventTime.slice(0, 10);
  const db = await openScratchDuckDb('rehydrate', deps.duckdb);
  const work = db.dir;
  try {
    const file = new EventLineFile(path.join(work, 'events.ndjson'));
    await file.append(batch.lines);
    await file.close();
    const part = await writeLivePart(lake, db.connection, {
      lineFiles: [file.path],
      key: liveRehydratedPartKey(org, day, req.eventId),
      workDir: work,
    });
    const done: RehydrationRecord = {
      eventId: req.eventId,
      status: 'rehydrated',
      reason: req.reason,
      via,
      liveKey: part.key,
    };
    await putLockedJson(lake, rehydrationKey(org, requestDay(req), req.eventId), done);
    return { liveKey: part.key, rows: part.rows };
  } finally {
    await db.close();
  }
}

/** The day the stream filed the event under (its eventTime as the stream saw it). */
export const requestDay = (req: RehydrationRequest) => req.eventTime.slice(0, 10);

/** An event that could not be rehydrated: a finding in audit_findings and the rehydration record. */
export async function storeUnresolved(
  deps: Pick<StoreDeps, 'lake' | 'duckdb'>,
  org: string,
  req: RehydrationRequest,
  attempts: number,
  why: string,
): Promise<{ findingKey: string | null }> {
  const { lake } = deps;
  const { start, end } = dayInterval(requestDay(req));
  const stored = await storeFindings(
    deps,
    org,
    {
      check: REHYDRATION_UNRESOLVED,
      window: { from: start, to: end },
      params: {},
      findings: [
        {
          checkId: REHYDRATION_UNRESOLVED.id,
          title: REHYDRATION_UNRESOLVED.title,
          severity: REHYDRATION_UNRESOLVED.severity,
          controls: REHYDRATION_UNRESOLVED.controls,
          key: req.eventId,
          userId: null,
          eventIds: [req.eventId],
          firstEventTime: req.eventTime,
          lastEventTime: req.eventTime,
          summary: `audit ${req.eventId} (${req.entityType ?? 'unknown entity type'}) arrived ${req.reason}${req.detail ? ` (${req.detail})` : ''}; not found in the audit API after ${attempts} attempts: ${why}`,
          window: { from: start, to: end },
        },
      ],
      // Not a query's result: the engine column names the stream ingest.
      stats: { engine: 'ingest' as EngineName, ms: 0, bytesScanned: 0, filesRead: null },
    },
    new Date().toISOString(),
  );
  const record: RehydrationRecord = { eventId: req.eventId, status: 'unresolved', reason: req.reason, attempts, why };
  await putLockedJson(lake, rehydrationKey(org, requestDay(req), req.eventId), record);
  return { findingKey: stored?.key ?? null };
}
