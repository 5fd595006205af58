/**
 * Benchmark of the compliance checks on DuckDB: a local lake holding a year of a busy org
 * (BENCH_ROWS rows, default 10.5 million, generated in SQL straight to Parquet, partitioned by
 * day like the lake), then every check over one day and over 90 days, with time and the files and
 * bytes read. A one-day check must read only that day's files.
 *
 *   npm run bench:checks            (BENCH_ROWS=20000000 for more; BENCH_REGENERATE=1 to rebuild)
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadChecks } from '../src/checks/check-file';
import { renderCheck } from '../src/checks/render';
import { addDays } from '../src/days';
import { openDuckDb, sqlString } from '../src/lake/duckdb';
import { partitionPrefix } from '../src/lake/keys';
import { PROJECT_ROOT } from '../src/paths';
import { DuckDbQueryEngine } from '../src/query/duckdb-engine';
import { LocalLakeDirectory } from '../src/query/partition-source';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_500_000);
const ORG = 'bench';
const FIRST_DAY = '2025-11-01';
const DAYS = 365;
const ROOT = path.join(PROJECT_ROOT, '.cache', 'bench-checks');
const LAKE = path.join(ROOT, 'lake');
const MARK = path.join(ROOT, `generated-${ROWS}.json`);

/** Generates the lake: a busy org's mix of services, actions and users, a few admins, system users. */
async function generate(): Promise<void> {
  rmSync(ROOT, { recursive: true, force: true });
  mkdirSync(path.join(LAKE, ORG, 'audit_events'), { recursive: true });
  const db = await openDuckDb({ threads: 2, memoryLimitMb: 3072, tempDirectory: path.join(ROOT, 'spill') });
  try {
    const start = `TIMESTAMP '${FIRST_DAY} 00:00:00'`;
    const span = DAYS * 86_400;
    // h: a per-row hash drives every choice; rows spread evenly over the year, in time order.
    await db.connection.run(`
      COPY (
        WITH base AS (
          SELECT i, hash(i) AS h,
            CAST(${start} + to_microseconds(CAST(i * ${span} * 1000000.0 / ${ROWS} AS BIGINT)) AS TIMESTAMP_MS) AS event_time
          FROM range(${ROWS}) t(i)
        ), kinds AS (
          SELECT *, CAST(h % 1000 AS INTEGER) AS k, CAST((h >> 10) % 5000 AS INTEGER) AS u FROM base
        )
        SELECT
          'e' || lpad(CAST(i AS VARCHAR), 10, '0') AS event_id,
          event_time,
          CASE WHEN k < 300 THEN 'PeoplePermissions' WHEN k < 600 THEN 'Quality' WHEN k < 800 THEN 'Directory' WHEN k < 900 THEN 'Integrations' ELSE 'Routing' END AS service_name,
          CASE WHEN u < 4 THEN 'SYSTEM' ELSE 'USER' END AS level,
          CASE WHEN k < 200 THEN 'Authenticate' WHEN k < 205 THEN 'AuthenticationFailed' WHEN k < 215 THEN 'MemberAdd' WHEN k < 225 THEN 'Update'
               WHEN k < 228 THEN 'Create' WHEN k < 300 THEN 'View' WHEN k < 560 THEN 'View' WHEN k < 590 THEN 'Export' WHEN k < 600 THEN 'Delete'
               WHEN k < 790 THEN 'Update' WHEN k < 795 THEN 'Create' WHEN k < 800 THEN 'Delete' WHEN k < 899 THEN 'Update' ELSE 'Update' END AS action,
          'SUCCESS' AS status,
          CASE WHEN k < 205 THEN 'AuthUser' WHEN k < 225 THEN 'Role' WHEN k < 228 THEN 'OAuthClient' WHEN k < 300 THEN 'OAuthClient'
               WHEN k < 600 THEN 'Recording' WHEN k < 800 THEN 'User' WHEN k < 900 THEN 'Credential' ELSE 'Queue' END AS entity_type,
          'ent-' || CAST((h >> 24) % 100000 AS VARCHAR) AS entity_id,
          CASE WHEN k BETWEEN 205 AND 214 AND (h >> 30) % 10 = 0 THEN 'Org Admin' ELSE 'Entity ' || CAST((h >> 24) % 1000 AS VARCHAR) END AS entity_name,
          'user-' || CAST(u AS VARCHAR) AS user_id,
          NULL AS user_name,
          'client-' || CAST((h >> 40) % 50 AS VARCHAR) AS client_id,
          '198.51.100.' || CAST((h >> 44) % 250 AS VARCHAR) AS remote_ip,
          'tx-' || CAST(i AS VARCHAR) AS transaction_id,
          CAST(0 AS INTEGER) AS change_index,
          CASE WHEN k BETWEEN 215 AND 224 THEN 'permissionPolicies' WHEN k BETWEEN 205 AND 214 THEN 'members' WHEN k >= 600 AND k < 800 THEN 'roles' ELSE NULL END AS property,
          NULL AS old_value,
          CASE WHEN k BETWEEN 215 AND 224 THEN '["routing:queue:view","analytics:conversationDetail:view"]' WHEN k BETWEEN 205 AND 214 THEN 'user-' || CAST((h >> 50) % 5000 AS VARCHAR)
               WHEN k >= 600 AND k < 800 THEN '["Employee"]' ELSE NULL END AS new_value,
          'api' AS source,
          CASE WHEN k >= 300 AND k < 600 THEN '{"context":{"conversationId":"c-' || CAST(i AS VARCHAR) || '"}}' ELSE NULL END AS extra,
          strftime(event_time, '%Y') AS year, strftime(event_time, '%m') AS month, strftime(event_time, '%d') AS day
        FROM kinds
      ) TO ${sqlString(path.join(LAKE, ORG, 'audit_events'))}
      (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year, month, day), ROW_GROUP_SIZE 100000, FILENAME_PATTERN 'part-{i}')`);
  } finally {
    db.close();
  }
  writeFileSync(MARK, JSON.stringify({ rows: ROWS, days: DAYS, firstDay: FIRST_DAY }));
}

const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;

async function main() {
  let t0 = Date.now();
  if (process.env.BENCH_REGENERATE || !existsSync(MARK)) {
    await generate();
    console.log(
      `generated ${ROWS.toLocaleString('en')} rows over ${DAYS} days in ${((Date.now() - t0) / 1000).toFixed(1)} s (${LAKE})`,
    );
  } else console.log(`reusing the generated lake in ${LAKE} (BENCH_REGENERATE=1 rebuilds it)`);

  const source = new LocalLakeDirectory({ root: LAKE, org: ORG });
  const all = await source.files('audit_events');
  console.log(`lake: ${all.length} files, ${mib(all.reduce((n, f) => n + f.bytes, 0))}`);
  const engine = new DuckDbQueryEngine({
    source,
    limits: { threads: 2, memoryLimitMb: 3072 },
    tempDirectory: path.join(ROOT, 'spill'),
  });
  const count = await engine.query('SELECT count(*) AS n FROM audit_events_all');
  assert.ok(Number(count.rows[0][0]) >= 10_000_000 || ROWS < 10_000_000, 'at least 10 million rows');
  console.log(`rows in audit_events_all: ${Number(count.rows[0][0]).toLocaleString('en')}`);

  const checks = loadChecks();
  const ctx = {
    systemUserIds: ['user-0', 'user-1'],
    settings: { CHECKS_CHANGE_WINDOWS: 'Sat 01:00-03:00', CHECKS_BUSINESS_HOURS: 'Mon-Fri 07:00-19:00' },
  };
  const day = '2026-08-12';
  const dayFiles = await source.files('audit_events', { from: day, to: day });
  const dayDir = path.join(LAKE, ...partitionPrefix(ORG, 'audit_events', day).split('/').filter(Boolean));
  const rows: string[] = [];
  const header = `${'check'.padEnd(38)} ${'1 day ms'.padStart(9)} ${'files'.padStart(5)} ${'bytes'.padStart(10)} ${'found'.padStart(5)} | ${'90 days ms'.padStart(10)} ${'files'.padStart(5)} ${'bytes'.padStart(10)} ${'found'.padStart(5)}`;
  t0 = Date.now();
  for (const check of checks) {
    const one = renderCheck(check, { from: `${day}T00:00:00.000Z`, to: `${addDays(day, 1)}T00:00:00.000Z` }, ctx);
    const r1 = await engine.query(one.sql, { days: one.days });
    // A one-day check reads exactly that day's files, no other.
    assert.equal(r1.stats.filesRead, dayFiles.length, `${check.id}: one day reads only its files`);
    assert.ok(dayFiles.every((f) => f.path.startsWith(dayDir)));
    const ninety = renderCheck(
      check,
      { from: `${addDays(day, -89)}T00:00:00.000Z`, to: `${addDays(day, 1)}T00:00:00.000Z` },
      ctx,
    );
    const r90 = await engine.query(ninety.sql, { days: ninety.days });
    rows.push(
      `${check.id.padEnd(38)} ${String(r1.stats.ms).padStart(9)} ${String(r1.stats.filesRead).padStart(5)} ${mib(r1.stats.bytesScanned).padStart(10)} ${String(r1.rows.length).padStart(5)} | ${String(r90.stats.ms).padStart(10)} ${String(r90.stats.filesRead).padStart(5)} ${mib(r90.stats.bytesScanned).padStart(10)} ${String(r90.rows.length).padStart(5)}`,
    );
    console.log(rows.at(-1));
  }
  console.log(
    `\n${header}\n${rows.join('\n')}\n\nall checks, 1 day and 90 days each: ${((Date.now() - t0) / 1000).toFixed(1)} s on DuckDB (${dayFiles.length} file(s) per day; "found" = matching rows)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
