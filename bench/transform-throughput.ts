/**
 * Transform throughput on one core: normalize + minimize + mask + event line on synthetic realistic
 * API records, against plain JSON.parse of the same bytes as the yardstick.
 *
 *   node --import tsx bench/transform-throughput.ts [events]
 */
import { Secret } from '../src/config/secret';
import { SETTINGS } from '../src/config/settings';
import { eventLine } from '../src/lake/event-lines';
import type { CanonicalEvent } from '../src/model/canonical';
import { normalizeApi } from '../src/transform/normalize-api';
import { transformBatch, transformContext } from '../src/transform/pipeline';
import { syntheticApiRecords } from './transform-records';

const EVENTS = Number(process.argv[2] ?? 200_000);
const PAGE = 500; // the largest API page
const ROUNDS = 5;

const records = syntheticApiRecords(EVENTS);
// The bytes as the API sends them: one JSON text per page.
const pages: string[] = [];
for (let i = 0; i < records.length; i += PAGE) pages.push(JSON.stringify({ entities: records.slice(i, i + PAGE) }));
const bytes = pages.reduce((n, p) => n + Buffer.byteLength(p), 0);
const parsedPages = pages.map((p) => (JSON.parse(p) as { entities: unknown[] }).entities);

const MASK = {
  hmacKey: new Secret('bench-key-0123456789abcdef-0123456789abcdef'),
  extraAllowlist: SETTINGS.LAKE_EXTRA_ALLOWLIST.default.split(','),
};
const context = transformContext(MASK);

/** Best of ROUNDS, in events per second (the best run is the one least disturbed by the machine). */
function rate(name: string, run: () => number): number {
  let best = Infinity;
  let sink = 0;
  run(); // warm-up: let the JIT settle
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = process.hrtime.bigint();
    sink += run();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const perSecond = EVENTS / best;
  console.log(
    `${name.padEnd(44)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} events/s  (${(best * 1000).toFixed(0)} ms, check ${sink % 1000})`,
  );
  return perSecond;
}

console.log(
  `${EVENTS.toLocaleString('en-US')} events in ${pages.length} pages, ${(bytes / EVENTS).toFixed(0)} bytes/event, node ${process.version}`,
);

const parse = rate('JSON.parse of the page bytes', () => {
  let n = 0;
  for (const p of pages) n += (JSON.parse(p) as { entities: unknown[] }).entities.length;
  return n;
});

rate('normalize', () => {
  let n = 0;
  for (const page of parsedPages) for (const raw of page) n += normalizeApi(raw).propertyChanges.length;
  return n;
});

rate('normalize + event line (no masking)', () => {
  let n = 0;
  for (const page of parsedPages) for (const raw of page) n += eventLine(normalizeApi(raw)).length;
  return n;
});

rate('normalize + minimize + mask', () => {
  let n = 0;
  for (const page of parsedPages) {
    for (const raw of page) {
      const event: CanonicalEvent = context.masker.maskEvent(context.minimizer.minimize(normalizeApi(raw)));
      n += event.propertyChanges.length;
    }
  }
  return n;
});

let rows = 0;
const transform = rate('transformBatch: normalize+minimize+mask+line', () => {
  rows = 0;
  for (const page of parsedPages) rows += transformBatch(page, 'api', context).rows;
  return rows;
});

// The masking defaults: national phone formats of every Genesys region's country (no region set),
// names pseudonymized. With names kept, the cost of the phone masking alone shows.
const keepNames = transformContext({ ...MASK, personNames: 'keep' });
rate('transformBatch, MASK_PERSON_NAMES=keep', () => {
  let n = 0;
  for (const page of parsedPages) n += transformBatch(page, 'api', keepNames).rows;
  return n;
});

const both = rate('JSON.parse + transformBatch', () => {
  let n = 0;
  for (const p of pages) n += transformBatch((JSON.parse(p) as { entities: unknown[] }).entities, 'api', context).rows;
  return n;
});

console.log(`\n${(rows / EVENTS).toFixed(2)} rows/event`);
console.log(
  `transform / JSON.parse speed: ${(transform / parse).toFixed(2)} (transform costs ${(parse / transform).toFixed(2)}x a JSON.parse of the same bytes)`,
);
console.log(`parse + transform: ${Math.round(both).toLocaleString('en-US')} events/s on one core`);
