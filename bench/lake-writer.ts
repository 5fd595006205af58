/**
 * Lake writer benchmark (issue 4): normalize + minimize + mask + flatten + Parquet (DuckDB, zstd)
 * on one core, in events per second, beside a plain JSON.parse of the same page bytes in the
 * same run; and the peak RSS of a process writing 1M events.
 *
 *   npm run bench:writer            # 1,000,000 events
 *   EVENTS=200000 npm run bench:writer
 *
 * The pipeline runs in a child process (its VmHWM is the peak RSS), one page of 500 events at a
 * time, as the collector does; the pages are generated deterministically on the fly and their
 * generation is not timed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Secret } from '../src/config/secret';
import { SETTINGS } from '../src/config/settings';
import { openDuckDb } from '../src/lake/duckdb';
import { rowFilesRelation, writeParquet } from '../src/lake/parquet';
import { RowFile } from '../src/lake/row-file';
import { transformBatch, transformContext } from '../src/transform/pipeline';
import { syntheticApiRecords } from './transform-records';

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const PAGE = 500;
const PAGES = Math.ceil(EVENTS / PAGE);

/** The bytes of page i as the API sends them (deterministic). */
function pageText(i: number): string {
  return JSON.stringify({ entities: syntheticApiRecords(Math.min(PAGE, EVENTS - i * PAGE), i + 1) });
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

async function child() {
  const context = transformContext({
    hmacKey: new Secret('bench-key-0123456789abcdef-0123456789abcdef'),
    extraAllowlist: SETTINGS.LAKE_EXTRA_ALLOWLIST.default.split(','),
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-writer-'));
  let busy = 0;
  let parseOnly = 0;
  let rows = 0;
  let events = 0;
  try {
    const file = new RowFile(path.join(dir, 'rows.ndjson'));
    for (let i = 0; i < PAGES; i++) {
      const text = pageText(i);
      let t0 = process.hrtime.bigint();
      JSON.parse(text);
      parseOnly += seconds(t0);

      t0 = process.hrtime.bigint();
      const batch = transformBatch((JSON.parse(text) as { entities: unknown[] }).entities, 'api', context);
      await file.append(batch.rows);
      busy += seconds(t0);
      rows += batch.rows.length;
      events += batch.events;
    }
    const t0 = process.hrtime.bigint();
    await file.close();
    const db = await openDuckDb({ threads: 1, memoryLimit: '128MB', tempDirectory: path.join(dir, 'spill') });
    const out = path.join(dir, 'day.parquet');
    await writeParquet(db.connection, { relation: rowFilesRelation([file.path]), outPath: out });
    db.close();
    const parquetSeconds = seconds(t0);
    busy += parquetSeconds;
    const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
    process.stdout.write(
      JSON.stringify({ events, rows, parseOnly, busy, parquetSeconds, parquetBytes: statSync(out).size, ndjsonBytes: statSync(file.path).size, peakRssMB: Math.round(hwm / 1024) }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parent() {
  // One core: the child is pinned, and DuckDB runs with one thread.
  const out = execFileSync('taskset', ['-c', '0', process.execPath, ...process.execArgv, __filename, '--child'], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const r = JSON.parse(out) as { events: number; rows: number; parseOnly: number; busy: number; parquetSeconds: number; parquetBytes: number; ndjsonBytes: number; peakRssMB: number };
  const pipeline = r.events / r.busy;
  const parse = r.events / r.parseOnly;
  const report = {
    events: r.events,
    rows: r.rows,
    jsonParseEventsPerSecond: Math.round(parse),
    pipelineEventsPerSecond: Math.round(pipeline),
    pipelineOverJsonParse: +(pipeline / parse).toFixed(3),
    parquetSeconds: +r.parquetSeconds.toFixed(2),
    parquetMB: +(r.parquetBytes / 2 ** 20).toFixed(1),
    peakRssMB: r.peakRssMB,
  };
  console.log(JSON.stringify(report, null, 2));
  const ok = pipeline >= 100_000 && (EVENTS < 1_000_000 || r.peakRssMB <= 300);
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
