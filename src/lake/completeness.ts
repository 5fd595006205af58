/**
 * The daily completeness attestation, computed when a day is sealed and stored in its manifest
 * (so it is signed and chained with the seal): per service, the events the audit query API
 * returned, the events the stream delivered and the events the sealed lake holds; the ids
 * missing from either; the stream's rehydrations; and a verdict with its reasons.
 */
import { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './duckdb';
import { lakeRowsFrom } from './event-lines';
import { parquetRelation } from './parquet';

export const COMPLETENESS_SCHEMA = 'gcaudit.completeness/v1';
/** Ids listed for a person to follow up; the counts are always complete. */
const MAX_LISTED_IDS = 1_000;

export interface ServiceCounts {
  /** Distinct events of the day the audit query API returned in this collection. */
  api: number;
  /** Distinct events of the day the stream delivered (the live table), null without a stream. */
  stream: number | null;
  /** Distinct events of the day in the sealed table, every version. */
  lake: number;
}

/** What the stream side of the reconciliation (src/ingest/reconcile.ts) says; null without a stream. */
export interface StreamSide {
  neverDeliveredIds: string[];
  neverDelivered: number;
  streamOnlyIds: string[];
  streamOnly: number;
  rehydrated: number;
  unresolved: number;
  pendingRehydration: number;
}

export interface CompletenessAttestation {
  schema: typeof COMPLETENESS_SCHEMA;
  day: string;
  /** Per service name ("(none)" for events without one), sorted by name. */
  services: Record<string, ServiceCounts>;
  totals: ServiceCounts;
  /** API events the lake does not hold (should be none: the lake is sealed from the API). */
  missingFromLake: { count: number; ids: string[] };
  /** API events the stream never delivered. */
  missingFromStream: { count: number; ids: string[] } | null;
  /** Stream events the API did not return for the day. */
  missingFromApi: { count: number; ids: string[] } | null;
  rehydrations: { rehydrated: number; unresolved: number; pending: number } | null;
  /** API records that could not be transformed (kept masked in quarantine, not in the table). */
  quarantined: number;
  verdict: 'complete' | 'incomplete';
  /** Why the day is incomplete; empty when complete. */
  reasons: string[];
  /** What is worth knowing but does not make the lake incomplete (e.g. the stream missed events the API has). */
  notes: string[];
}

const NONE = '(none)';

/**
 * Computes the attestation with DuckDB from the staged API pages of this collection, the day's
 * sealed parts (every version) and the day's live (stream) parts.
 */
export async function attestCompleteness(
  db: DuckDBConnection,
  opts: {
    day: string;
    staged: string[];
    sealedParts: string[];
    liveParts: string[];
    stream: StreamSide | null;
    quarantined: number;
  },
): Promise<CompletenessAttestation> {
  const dayStart = `TIMESTAMP ${sqlString(`${opts.day} 00:00:00`)}`;
  const inDay = `event_time >= ${dayStart} AND event_time < ${dayStart} + INTERVAL 1 DAY`;
  const ids = (relation: string | null) =>
    relation
      ? `(SELECT DISTINCT event_id, coalesce(service_name, '${NONE}') AS service FROM ${relation} WHERE ${inDay} AND change_index = 0)`
      : `(SELECT NULL::VARCHAR AS event_id, NULL::VARCHAR AS service WHERE false)`;
  await db.run(`CREATE OR REPLACE TEMP TABLE att_api AS ${ids(opts.staged.length ? lakeRowsFrom(opts.staged) : null)}`);
  await db.run(
    `CREATE OR REPLACE TEMP TABLE att_lake AS ${ids(opts.sealedParts.length ? parquetRelation(opts.sealedParts) : null)}`,
  );
  await db.run(
    `CREATE OR REPLACE TEMP TABLE att_stream AS ${ids(opts.liveParts.length ? parquetRelation(opts.liveParts) : null)}`,
  );
  const rows = async (sql: string) => (await db.runAndReadAll(sql)).getRows();

  const withStream = opts.stream !== null || opts.liveParts.length > 0;
  const services: Record<string, ServiceCounts> = {};
  const counts = await rows(`
    SELECT service, sum(a)::BIGINT, sum(s)::BIGINT, sum(l)::BIGINT FROM (
      SELECT service, count(*) AS a, 0 AS s, 0 AS l FROM att_api GROUP BY 1
      UNION ALL SELECT service, 0, count(*), 0 FROM att_stream GROUP BY 1
      UNION ALL SELECT service, 0, 0, count(*) FROM att_lake GROUP BY 1
    ) GROUP BY 1 ORDER BY 1`);
  const totals: ServiceCounts = { api: 0, stream: withStream ? 0 : null, lake: 0 };
  for (const [service, a, s, l] of counts) {
    services[String(service)] = { api: Number(a), stream: withStream ? Number(s) : null, lake: Number(l) };
    totals.api += Number(a);
    totals.lake += Number(l);
    if (totals.stream !== null) totals.stream += Number(s);
  }
  const missing = (await rows(`SELECT event_id FROM att_api EXCEPT SELECT event_id FROM att_lake ORDER BY 1`)).map(
    (r) => String(r[0]),
  );

  const reasons: string[] = [];
  const notes: string[] = [];
  if (missing.length) reasons.push(`${missing.length} events the audit query API returned are not in the sealed lake`);
  if (opts.quarantined)
    reasons.push(`${opts.quarantined} API records could not be transformed and are in quarantine, not in the table`);
  const s = opts.stream;
  if (s) {
    if (s.streamOnly)
      reasons.push(`${s.streamOnly} events the stream delivered are not in the audit query API's answer for the day`);
    if (s.unresolved) reasons.push(`${s.unresolved} stream events could not be rehydrated from the API`);
    if (s.pendingRehydration) reasons.push(`${s.pendingRehydration} stream events are still being rehydrated`);
    if (s.neverDelivered)
      notes.push(
        `the stream did not deliver ${s.neverDelivered} events the API has (they are in the lake from the API)`,
      );
  } else {
    notes.push('no stream for the day: the audit query API is the only source');
  }
  if (totals.api === 0) notes.push('the audit query API returned no events for the day');

  return {
    schema: COMPLETENESS_SCHEMA,
    day: opts.day,
    services,
    totals,
    missingFromLake: { count: missing.length, ids: missing.slice(0, MAX_LISTED_IDS) },
    missingFromStream: s ? { count: s.neverDelivered, ids: s.neverDeliveredIds } : null,
    missingFromApi: s ? { count: s.streamOnly, ids: s.streamOnlyIds } : null,
    rehydrations: s ? { rehydrated: s.rehydrated, unresolved: s.unresolved, pending: s.pendingRehydration } : null,
    quarantined: opts.quarantined,
    verdict: reasons.length ? 'incomplete' : 'complete',
    reasons,
    notes,
  };
}

/** One line for a terminal or a table cell: "complete" or "incomplete: reason; reason". */
export function completenessLine(a: Pick<CompletenessAttestation, 'verdict' | 'reasons'> | null | undefined): string {
  if (!a) return 'not attested';
  return a.verdict === 'complete' ? 'complete' : `incomplete: ${a.reasons.join('; ')}`;
}
