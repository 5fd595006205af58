/**
 * Lake writer benchmark (issue 4): normalize + minimize + mask (transformBatch, which writes each
 * event's line), the staged chunk as the collector sends it, and DuckDB's flatten + merge into
 * Parquet parts (zstd) — on one core, in events per second; beside it, a plain JSON.parse of the
 * same page bytes in the same run, and the ratio of the two; and the peak RSS of the process
 * writing 1M events. S3 and local disk are left out: they are I/O, not the writer.
 *
 *   npm run bench:writer            # 1,000,000 events, compiled (as the worker runs)
 *   EVENTS=200000 npm run bench:writer
 *
 * The parent writes the pages (500 events each, deterministic, times inside one day) to disk
 * first; the child, pinned to one core with DuckDB on one thread, reads them one at a time as the
 * collector receives them. Its VmHWM is the peak RSS.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Secret } from '../src/config/secret';
import { SETTINGS } from '../src/config/settings';
import { openDuckDb } from '../src/lake/duckdb';
import { eventLinesText } from '../src/lake/event-lines';
import { mergeStaged } from '../src/lake/merge-staged';
import { transformBatch, transformContext } from '../src/transform/pipeline';
import { syntheticApiRecords } from './transform-records';

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const PAGE = 500;
const DAY = '2026-11-20';

/** The bytes of page i as the API sends them, with unique ids and event times inside DAY. */
function pageText(i: number): string {
  const records = syntheticApiRecords(Math.min(PAGE, EVENTS - i * PAGE), i + 1);
  const start = Date.parse(`${DAY}T00:00:00.000Z`);
  records.forEach((r, j) => {
    const n = i * PAGE + j;
    r.eventDate = new Date(start + Math.floor((n / EVENTS) * 86_399_000)).toISOString();
    r.id = `00000000-0000-4000-a000-${n.toString(16).padStart(12, '0')}`;
  });
  return JSON.stringify({ entities: records });
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const peakRssMB = () =>
  Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024);

interface ChildReport {
  events: number;
  rows: number;
  merged: number;
  bytes: number;
  times: Record<'parse' | 'transform' | 'stage' | 'parquet', number>;
  parquetBytes: number;
  peakRssMB: number;
  peakRssBeforeMergeMB: number;
}

async function child(pagesDir: string) {
  const context = transformContext({
    hmacKey: new Secret('bench-key-0123456789abcdef-0123456789abcdef'),
    extraAllowlist: SETTINGS.LAKE_EXTRA_ALLOWLIST.default.split(','),
  });
  const work = mkdtempSync(path.join(tmpdir(), 'bench-writer-'));
  mkdirSync(path.join(work, 'staged'));
  const times = { parse: 0, transform: 0, stage: 0, parquet: 0 };
  let rows = 0;
  let events = 0;
  let bytes = 0;
  try {
    const staged: string[] = [];
    for (const name of readdirSync(pagesDir).sort()) {
      const text = readFileSync(path.join(pagesDir, name), 'utf8');
      bytes += text.length;
      let t0 = process.hrtime.bigint();
      const records = (JSON.parse(text) as { entities: unknown[] }).entities;
      times.parse += seconds(t0);

      t0 = process.hrtime.bigint();
      const batch = transformBatch(records, 'api', context);
      times.transform += seconds(t0);

      // The chunk's bytes as the collector sends them to S3; the write itself is I/O, not timed.
      t0 = process.hrtime.bigint();
      const body = Buffer.from(eventLinesText(batch.lines), 'utf8');
      times.stage += seconds(t0);
      const file = path.join(work, 'staged', name.replace('.json', '.ndjson'));
      writeFileSync(file, body);
      staged.push(file);
      rows += batch.rows;
      events += batch.events.length;
    }
    const peakRssBeforeMergeMB = peakRssMB();
    const t0 = process.hrtime.bigint();
    const db = await openDuckDb({
      // The worker's defaults (DUCKDB_THREADS, DUCKDB_MEMORY_LIMIT_MB).
      threads: Number(SETTINGS.DUCKDB_THREADS.default),
      memoryLimitMb: Number(SETTINGS.DUCKDB_MEMORY_LIMIT_MB.default),
      tempDirectory: path.join(work, 'spill'),
    });
    const merged = await mergeStaged(db.connection, { staged, existing: [], day: DAY, outDir: work });
    db.close();
    times.parquet = seconds(t0);
    const parquetBytes = merged.parts.reduce((n, p) => n + readFileSync(p.file).length, 0);
    const report: ChildReport = {
      events,
      rows,
      merged: merged.newRows,
      bytes,
      times,
      parquetBytes,
      peakRssMB: peakRssMB(),
      peakRssBeforeMergeMB,
    };
    process.stdout.write(JSON.stringify(report));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function parent() {
  const pagesDir = mkdtempSync(path.join(tmpdir(), 'bench-pages-'));
  try {
    for (let i = 0; i * PAGE < EVENTS; i++)
      writeFileSync(path.join(pagesDir, `p${String(i).padStart(6, '0')}.json`), pageText(i));
    // One core: the child is pinned to CPU 0, and DuckDB runs with one thread.
    const out = execFileSync(
      'taskset',
      ['-c', '0', process.execPath, ...process.execArgv, __filename, '--child', pagesDir],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    report(JSON.parse(out) as ChildReport);
  } finally {
    rmSync(pagesDir, { recursive: true, force: true });
  }
}

function report(r: ChildReport) {
  const t = r.times;
  const perSecond = (s: number) => Math.round(r.events / s);
  const pipeline = t.transform + t.stage + t.parquet;
  const summary = {
    events: r.events,
    bytesPerEvent: Math.round(r.bytes / r.events),
    rows: r.rows,
    rowsInParquet: r.merged,
    jsonParseEventsPerSecond: perSecond(t.parse),
    transformEventsPerSecond: perSecond(t.transform),
    stageEventsPerSecond: perSecond(t.stage),
    parquetEventsPerSecond: perSecond(t.parquet),
    pipelineEventsPerSecond: perSecond(pipeline),
    pipelineOverJsonParse: +(t.parse / pipeline).toFixed(3),
    withJsonParseEventsPerSecond: perSecond(t.parse + pipeline),
    parquetMB: +(r.parquetBytes / 2 ** 20).toFixed(1),
    peakRssMB: r.peakRssMB,
    peakRssBeforeMergeMB: r.peakRssBeforeMergeMB,
  };
  console.log(JSON.stringify(summary, null, 2));
  const ok =
    summary.pipelineEventsPerSecond >= 100_000 && (r.events < 1_000_000 || r.peakRssMB <= 300) && r.merged === r.rows;
  console.log(
    `targets (normalize + flatten + mask + Parquet >= 100k events/s on one core; <= 300 MB peak RSS for 1M events): ${ok ? 'met' : 'NOT met'}`,
  );
  process.exitCode = ok ? 0 : 1;
}

const at = process.argv.indexOf('--child');
if (at >= 0) {
  child(process.argv[at + 1]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  parent();
}
