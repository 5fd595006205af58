/**
 * Lake writer benchmark (issue 4): the path from API page bytes to a sealed day's Parquet —
 * JSON.parse, normalize + minimize + mask + flatten, the staged chunk (gzip NDJSON, as the
 * collector stages each page), and the merge into Parquet parts (DuckDB, zstd) — on one core,
 * in events per second, beside a plain JSON.parse of the same page bytes in the same run; and
 * the peak RSS of the process writing 1M events. S3 is left out: it is network, not the writer.
 *
 *   npm run bench:writer            # 1,000,000 events, compiled (as the worker runs)
 *   EVENTS=200000 npm run bench:writer
 *
 * The pipeline runs in a child process pinned to one core (its VmHWM is the peak RSS), one page
 * of 500 events at a time, as the collector does; the pages are generated deterministically on
 * the fly and their generation is not timed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Secret } from '../src/config/secret';
import { SETTINGS } from '../src/config/settings';
import { openDuckDb } from '../src/lake/duckdb';
import { MERGE_MEMORY_LIMIT, mergeStaged } from '../src/lake/merge-staged';
import { stagingChunkBytes } from '../src/lake/staging';
import { transformBatch, transformContext } from '../src/transform/pipeline';
import { syntheticApiRecords } from './transform-records';

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const PAGE = 500;
const PAGES = Math.ceil(EVENTS / PAGE);
const DAY = '2026-11-20';

/** The bytes of page i as the API sends them (deterministic), with event times inside DAY. */
function pageText(i: number): string {
  const records = syntheticApiRecords(Math.min(PAGE, EVENTS - i * PAGE), i + 1);
  const start = Date.parse(`${DAY}T00:00:00.000Z`);
  records.forEach((r, j) => {
    const n = i * PAGE + j;
    r.eventDate = new Date(start + Math.floor((n / EVENTS) * 86_399_000)).toISOString();
    r.id = `00000000-0000-4000-a000-${n.toString(16).padStart(12, '0')}`; // unique, like real audit ids
  });
  return JSON.stringify({ entities: records });
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

async function child() {
  const context = transformContext({
    hmacKey: new Secret('bench-key-0123456789abcdef-0123456789abcdef'),
    extraAllowlist: SETTINGS.LAKE_EXTRA_ALLOWLIST.default.split(','),
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-writer-'));
  mkdirSync(path.join(dir, 'staged'));
  const times = { parse: 0, transform: 0, stage: 0, parquet: 0 };
  let rows = 0;
  let events = 0;
  try {
    const staged: string[] = [];
    for (let i = 0; i < PAGES; i++) {
      const text = pageText(i);
      let t0 = process.hrtime.bigint();
      const records = (JSON.parse(text) as { entities: unknown[] }).entities;
      times.parse += seconds(t0);

      t0 = process.hrtime.bigint();
      const batch = transformBatch(records, 'api', context);
      times.transform += seconds(t0);

      t0 = process.hrtime.bigint();
      const file = path.join(dir, 'staged', `w00-p${String(i).padStart(6, '0')}.ndjson.gz`);
      writeFileSync(file, await stagingChunkBytes(batch.rows));
      staged.push(file);
      times.stage += seconds(t0);
      rows += batch.rows.length;
      events += batch.events;
    }
    const rssBeforeMerge = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
    const t0 = process.hrtime.bigint();
    const db = await openDuckDb({ threads: 1, memoryLimit: MERGE_MEMORY_LIMIT, tempDirectory: path.join(dir, 'spill') });
    const merged = await mergeStaged(db.connection, { staged, existing: [], day: DAY, outDir: dir });
    db.close();
    times.parquet = seconds(t0);
    const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
    const parquetBytes = merged.parts.reduce((n, p) => n + readFileSync(p.file).length, 0);
    process.stdout.write(JSON.stringify({ events, rows, merged: merged.newRows, times, parquetBytes, peakRssMB: Math.round(hwm / 1024), peakRssBeforeMergeMB: Math.round(rssBeforeMerge / 1024) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parent() {
  // One core: the child is pinned to CPU 0, and DuckDB runs with one thread.
  const out = execFileSync('taskset', ['-c', '0', process.execPath, ...process.execArgv, __filename, '--child'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const r = JSON.parse(out) as { events: number; rows: number; merged: number; times: Record<'parse' | 'transform' | 'stage' | 'parquet', number>; parquetBytes: number; peakRssMB: number; peakRssBeforeMergeMB: number };
  const t = r.times;
  const perSecond = (s: number) => Math.round(r.events / s);
  const report = {
    events: r.events,
    rows: r.rows,
    rowsInParquet: r.merged,
    jsonParseEventsPerSecond: perSecond(t.parse),
    transformEventsPerSecond: perSecond(t.transform),
    stageEventsPerSecond: perSecond(t.stage),
    parquetEventsPerSecond: perSecond(t.parquet),
    pipelineEventsPerSecond: perSecond(t.parse + t.transform + t.stage + t.parquet),
    pipelineOverJsonParse: +(t.parse / (t.parse + t.transform + t.stage + t.parquet)).toFixed(3),
    parquetMB: +(r.parquetBytes / 2 ** 20).toFixed(1),
    peakRssMB: r.peakRssMB,
    peakRssBeforeMergeMB: r.peakRssBeforeMergeMB,
  };
  console.log(JSON.stringify(report, null, 2));
  const ok = report.pipelineEventsPerSecond >= 100_000 && (EVENTS < 1_000_000 || r.peakRssMB <= 300) && r.merged === r.rows;
  console.log(`targets (>= 100k events/s on one core; <= 300 MB peak RSS for 1M events): ${ok ? 'met' : 'NOT met'}`);
  process.exitCode = ok ? 0 : 1;
}

if (process.argv.includes('--child')) {
  child().catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  parent();
}
