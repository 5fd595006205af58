import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { addDays } from '../../src/days';
import { checkPackage, PackageIndex } from '../../src/evidence/package-index';
import { ASSESSMENT_RESULTS_FILE, controlToken } from '../../src/evidence/oscal';
import { storeUnresolved } from '../../src/ingest/rehydrate-event';
import { createS3Client } from '../../src/s3/client';
import { lakeOf } from '../../src/s3/lake';
import { runChecksWorkflow } from '../../src/workflows';
import { checkLake, CheckLake } from '../checks/lake-fixture';
import { uniqueName } from '../harness/env';
import { chromiumAvailable, dumpDom, printToPdf, screenshot } from './chromium';
import { gcaudit } from '../harness/gcaudit';

// Two days collected from the sandbox org through the real collect-day workflow (the checks run
// after each seal and store their findings), plus a stream event of the second day whose
// rehydration never resolved (a system finding), exported with the CLI, and the report opened in
// headless Chromium: its DOM checked, rendered to PNG and PDF.

let lake: CheckLake;
let env: Record<string, string>;
let from: string;
let to: string;
const work = mkdtempSync(path.join(tmpdir(), 'evidence-export-'));
const UNRESOLVED_ID = '6f1c0c1e-9d7a-4f55-8a0e-0c4c2b1e7aee';

before(async () => {
  lake = await checkLake({ seed: 'evidence-export', org: uniqueName('exp') });
  to = lake.anomalyDay;
  from = addDays(to, -1);
  for (const day of [from, to]) {
    await lake.collect(day);
    await lake.workers.client.workflow.getHandle<typeof runChecksWorkflow>(`run-checks/${lake.org}/${day}/v1`).result();
  }
  const s3 = createS3Client(lake.config);
  const request = {
    eventId: UNRESOLVED_ID,
    eventTime: `${to}T10:00:00.000Z`,
    eventTimeKnown: true,
    entityType: 'User',
    entityId: null,
    reason: 'truncated' as const,
  };
  await storeUnresolved(
    { lake: lakeOf(lake.config, s3), duckdb: lake.config.duckdb },
    lake.org,
    request,
    12,
    'not found by an audit query',
  ).finally(() => s3.destroy());
  env = {
    GCAUDIT_ORG: lake.org,
    S3_BUCKET: lake.config.s3.bucket,
    LAKE_RETENTION_DAYS: '1',
    GCAUDIT_DATA_DIR: path.join(work, 'data'),
  };
});

after(async () => {
  await lake.stop();
});

test('evidence export writes the package: report, findings, manifests, verification, signed index', async () => {
  const out = path.join(work, 'package');
  const r = await gcaudit(env, 'evidence', 'export', '--from', from, '--to', to, '--out', out, '--json');
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const result = JSON.parse(r.stdout) as {
    files: string[];
    findings: number;
    verificationOk: boolean;
    sealedDays: number;
  };
  assert.equal(result.verificationOk, true);
  assert.equal(result.sealedDays, 2);
  assert.ok(result.findings > 0, 'the anomaly day has findings');
  for (const f of [
    'report.html',
    'findings.csv',
    'coverage.csv',
    'verification.json',
    'index.json',
    'index.json.sig',
    'index-public-key.pem',
    'VERIFY.txt',
  ]) {
    assert.ok(result.files.includes(f), f);
  }
  assert.equal(result.files.filter((f) => /^manifests\/chain\/\d{9}\.json$/.test(f)).length, 2);
  assert.equal(result.files.filter((f) => /^manifests\/days\/\d{4}-\d{2}-\d{2}\/v0001\.json$/.test(f)).length, 2);
  assert.equal(result.files.filter((f) => /^manifests\/keys\/[0-9a-f]{16}\.pem$/.test(f)).length, 1);

  const csv = readFileSync(path.join(out, 'findings.csv'), 'utf8').split('\r\n').filter(Boolean);
  assert.match(csv[0], /^check_id,title,severity,controls,window_from,window_to,finding_key,user_id,event_count/);
  assert.equal(csv.length - 1, result.findings);

  // The unresolved rehydration is a finding like a check's: in findings.csv, counted in the report's
  // per-control table for each control it maps to, and an OSCAL finding against its control.
  const checkIds = csv.slice(1).map((line) => line.split(',')[0]);
  assert.equal(checkIds.filter((id) => id === 'unresolved_stream_event').length, 1);
  const report = readFileSync(path.join(out, 'report.html'), 'utf8');
  for (const control of ['SOC 2 CC7.2', 'PCI DSS 4.0 10.7.2', 'HIPAA 164.312(b)']) {
    const row = new RegExp(
      `<tr data-control="${control.replace(/[.()]/g, '\\$&')}">.*?<td class="n[^"]*">(\\d+)</td><td>([^<]*)</td></tr>`,
    ).exec(report);
    assert.ok(row, `per-control row of ${control}`);
    const checks = row[2].split(', ');
    assert.ok(checks.includes('unresolved_stream_event'), `${control}: ${row[2]}`);
    assert.equal(Number(row[1]), checkIds.filter((id) => checks.includes(id)).length, `${control}: findings counted`);
  }
  const oscal = JSON.parse(readFileSync(path.join(out, ASSESSMENT_RESULTS_FILE), 'utf8')) as {
    'assessment-results': {
      results: Array<{
        observations: Array<{ title: string; props: Array<{ name: string; value: string }> }>;
        findings: Array<{ title: string; target: { 'target-id': string } }>;
      }>;
    };
  };
  const [result0] = oscal['assessment-results'].results;
  const observation = result0.observations.find((o) => o.title.startsWith('Check unresolved_stream_event:'));
  assert.equal(observation?.props.find((p) => p.name === 'findings')?.value, '1');
  const finding = result0.findings.find((f) => f.title.endsWith(`: ${UNRESOLVED_ID}`));
  assert.equal(finding?.target['target-id'], controlToken('SOC2', 'CC7.2'));

  // The index is signed, lists every file, and an edited file is caught.
  const check = await checkPackage(out);
  assert.deepEqual(check.problems, []);
  assert.equal(check.signatureOk, true);
  const index = JSON.parse(readFileSync(path.join(out, 'index.json'), 'utf8')) as PackageIndex;
  assert.equal(index.files.length, result.files.length - 4);
  if (existsSync('/usr/bin/openssl')) {
    const verified = execFileSync(
      'openssl',
      [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        'index-public-key.pem',
        '-rawin',
        '-in',
        'index.json',
        '-sigfile',
        'index.json.sig',
      ],
      { cwd: out },
    ).toString();
    assert.match(verified, /Signature Verified Successfully/);
  }
  const copy = path.join(work, 'package-copy');
  execFileSync('cp', ['-r', out, copy]);
  writeFileSync(path.join(copy, 'findings.csv'), 'check_id\r\n');
  assert.deepEqual(
    (await checkPackage(copy)).problems.map((p) => p.split(':')[0]),
    ['findings.csv'],
  );

  // A second export into the same directory is refused (usage error).
  const again = await gcaudit(env, 'evidence', 'export', '--from', from, '--to', to, '--out', out);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /is not empty/);
});

test('the report opens in headless Chromium with its content, and renders to PNG and PDF', async () => {
  assert.ok(chromiumAvailable(), 'Chromium is missing: scripts/setup.sh installs it (apt), or set CHROMIUM_PATH');
  const out = path.join(work, 'package');
  const report = path.join(out, 'report.html');
  const html = readFileSync(report, 'utf8');
  assert.ok(!/(src|href)=["']https?:/i.test(html), 'no external asset');
  assert.ok(!/<script/i.test(html), 'no script');

  const dom = await dumpDom(report);
  assert.match(dom, /<p id="verdict" class="verdict ok">Verification: PASSED<\/p>/);
  assert.match(dom, /<div class="value" id="sealed-days">2 \/ 2<\/div>/);
  for (const day of [from, to]) {
    assert.match(dom, new RegExp(`data-day="${day}" data-state="ok"`), `calendar cell of ${day}`);
    assert.match(dom, new RegExp(`<rect class="bar" data-day="${day}" data-events="\\d+"`), `chart bar of ${day}`);
  }
  const verification = JSON.parse(readFileSync(path.join(out, 'verification.json'), 'utf8')) as {
    summary: { events: number };
  };
  assert.match(dom, new RegExp(`id="events-total">${verification.summary.events.toLocaleString('en-US')}<`));
  for (const control of ['SOC 2 CC7.2', 'PCI DSS 4.0 10.2.1.5', 'HIPAA 164.312(b)'])
    assert.ok(dom.includes(`data-control="${control}"`), control);
  assert.match(dom, /<section id="reconciliation">[\s\S]*<td>v1<\/td>/);
  assert.match(dom, /<section id="methodology">/);
  assert.match(dom, /<table id="findings-table">/);

  const png = path.join(work, 'report.png');
  await screenshot(report, png);
  const pngBytes = readFileSync(png);
  assert.deepEqual([...pngBytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(statSync(png).size > 50_000, `PNG of ${statSync(png).size} bytes`);

  const pdf = path.join(work, 'report.pdf');
  await printToPdf(report, pdf);
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
  assert.ok(statSync(pdf).size > 20_000, `PDF of ${statSync(pdf).size} bytes`);
  if (existsSync('/usr/bin/pdftotext')) {
    const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
    assert.match(text, /Verification: PASSED/);
    assert.match(text, /Methodology/);
  }
});

test('a range with a day never sealed exports too, and the report says FAILED and shows the gap', async () => {
  const out = path.join(work, 'package-gap');
  const r = await gcaudit(env, 'evidence', 'export', '--from', from, '--to', addDays(to, 1), '--out', out);
  assert.equal(r.code, 1, r.stderr + r.stdout);
  assert.match(r.stdout, /verification {2}FAILED/);
  const html = readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.match(html, /Verification: FAILED/);
  assert.match(html, new RegExp(`data-day="${addDays(to, 1)}" data-state="unsealed"`));
  assert.ok(html.includes(`${addDays(to, 1)} is not sealed`));
});
