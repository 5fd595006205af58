import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { findingSources } from '../../src/checks/system-findings';
import { addDays } from '../../src/days';
import { Manifest } from '../../src/lake/manifest';
import { PROJECT_ROOT } from '../../src/paths';
import { runChecksWorkflow } from '../../src/workflows';
import { checkLake, CheckLake } from '../checks/lake-fixture';
import { uniqueName } from '../harness/env';
import { gcaudit } from '../harness/gcaudit';
import { VENV_PYTHON } from '../ocsf/schema-check';

// Two days collected from the sandbox org through the real collect-day workflow (checks after
// each seal), exported with the CLI; the package's OSCAL documents validated with NIST OSCAL
// models (compliance-trestle), its standalone verifier run on it and on tampered copies, and the
// completeness attestations read back from the manifests, the report and `gcaudit status`.

let lake: CheckLake;
let env: Record<string, string>;
let from: string;
let to: string;
const work = mkdtempSync(path.join(tmpdir(), 'evidence-standards-'));
const pkg = path.join(work, 'package');
let exported: { files: string[]; findings: number; verificationOk: boolean };

before(async () => {
  lake = await checkLake({ seed: 'evidence-standards', org: uniqueName('std') });
  to = lake.anomalyDay;
  from = addDays(to, -1);
  for (const day of [from, to]) {
    await lake.collect(day);
    await lake.workers.client.workflow.getHandle<typeof runChecksWorkflow>(`run-checks/${lake.org}/${day}/v1`).result();
  }
  env = {
    GCAUDIT_ORG: lake.org,
    S3_BUCKET: lake.config.s3.bucket,
    LAKE_RETENTION_DAYS: '1',
    GCAUDIT_DATA_DIR: path.join(work, 'data'),
  };
  const r = await gcaudit(env, 'evidence', 'export', '--from', from, '--to', to, '--out', pkg, '--json');
  assert.equal(r.code, 0, r.stderr + r.stdout);
  exported = JSON.parse(r.stdout) as typeof exported;
});

after(async () => {
  await lake.stop();
});

const json = <T>(file: string) => JSON.parse(readFileSync(path.join(pkg, file), 'utf8')) as T;

function validateOscal(dir: string): {
  documents: Array<{ file: string; model: string; oscalVersion: string }>;
  errors: Array<{ file: string; error: string }>;
  trestleOscalVersion: string;
} {
  const run = spawnSync(
    VENV_PYTHON,
    [
      path.join(PROJECT_ROOT, 'test/evidence/validate_oscal.py'),
      path.join(dir, 'assessment-results.json'),
      path.join(dir, 'assessment-plan.json'),
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`validate_oscal.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as ReturnType<typeof validateOscal>;
}

function verifyPackage(dir: string, ...args: string[]): { code: number | null; out: string } {
  // As an auditor runs it: plain node, no tsx, no project, from another directory.
  const run = spawnSync(process.execPath, [path.join(dir, 'verify.mjs'), dir, ...args], {
    encoding: 'utf8',
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '' },
  });
  return { code: run.status, out: run.stdout + run.stderr };
}

test('the package carries OSCAL 1.1 assessment results and plan that NIST OSCAL models accept, listed and signed in the index', () => {
  for (const f of ['assessment-results.json', 'assessment-plan.json', 'verify.mjs'])
    assert.ok(exported.files.includes(f), f);
  const index = json<{ files: Array<{ path: string }> }>('index.json');
  assert.ok(
    index.files.some((f) => f.path === 'assessment-results.json') &&
      index.files.some((f) => f.path === 'assessment-plan.json'),
  );

  const report = validateOscal(pkg);
  assert.match(report.trestleOscalVersion, /^1\.1\./);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(
    report.documents.map((d) => [d.model, d.oscalVersion]),
    [
      ['assessment-results', '1.1.2'],
      ['assessment-plan', '1.1.2'],
    ],
  );

  type Ar = {
    'assessment-results': {
      'import-ap': { href: string };
      results: Array<Record<string, never>>;
      'back-matter': {
        resources: Array<{ uuid: string; rlinks: Array<{ href: string; hashes?: Array<{ value: string }> }> }>;
      };
    };
  };
  const ar = json<Ar>('assessment-results.json')['assessment-results'];
  assert.equal(ar['import-ap'].href, 'assessment-plan.json');
  assert.equal(ar.results.length, 1, 'one result for the period');
  const result = ar.results[0] as unknown as {
    'reviewed-controls': {
      'control-selections': Array<{ description: string; 'include-controls': Array<{ 'control-id': string }> }>;
    };
    observations: Array<{ uuid: string; title: string; 'relevant-evidence': Array<{ href: string }> }>;
    findings: Array<{ 'related-observations': Array<{ 'observation-uuid': string }>; target: { 'target-id': string } }>;
  };
  const controls = result['reviewed-controls']['control-selections'].flatMap((s) =>
    s['include-controls'].map((c) => c['control-id']),
  );
  for (const id of ['soc2_cc6.2', 'pci-dss-4_7.2.1', 'hipaa_164.312.b'])
    assert.ok(controls.includes(id), `${id} in ${controls.join(' ')}`);
  assert.equal(
    result.observations.filter((o) => o.title.startsWith('Check ')).length,
    findingSources().length,
    'one observation per check and per system finding',
  );
  assert.deepEqual(
    result.observations.filter((o) => o.title.startsWith('Completeness of ')).map((o) => o.title),
    [`Completeness of ${from}`, `Completeness of ${to}`],
  );
  assert.equal(result.findings.length, exported.findings, 'one OSCAL finding per finding');
  const observationIds = new Set(result.observations.map((o) => o.uuid));
  assert.ok(result.findings.every((f) => observationIds.has(f['related-observations'][0]['observation-uuid'])));

  // Evidence links resolve to back-matter, and the manifests' hashes there are the files' hashes.
  const resources = new Map(ar['back-matter'].resources.map((r) => [r.uuid, r]));
  for (const o of result.observations)
    for (const e of o['relevant-evidence']) assert.ok(resources.has(e.href.slice(1)), e.href);
  const manifestLinks = [...resources.values()]
    .flatMap((r) => r.rlinks)
    .filter((l) => /^manifests\/chain\//.test(l.href));
  assert.equal(manifestLinks.length, 2);
  for (const l of manifestLinks)
    assert.equal(
      l.hashes![0].value,
      execFileSync('sha256sum', [path.join(pkg, l.href)])
        .toString()
        .split(' ')[0],
    );
  assert.ok(
    [...resources.values()].some((r) =>
      r.rlinks.some(
        (l) =>
          l.href.startsWith(`s3://${lake.config.s3.bucket}/${lake.org}/audit_events/`) &&
          /^[0-9a-f]{64}$/.test(l.hashes?.[0].value ?? ''),
      ),
    ),
    'event parts with SHA-256',
  );

  // The check is real: a broken document fails.
  const broken = path.join(work, 'oscal-broken');
  execFileSync('cp', ['-r', pkg, broken]);
  const doc = json<Record<string, Record<string, unknown>>>('assessment-results.json');
  (doc['assessment-results'].results as Array<Record<string, unknown>>)[0].start = 'yesterday';
  (doc['assessment-results'] as Record<string, unknown>).uuid = 'not-a-uuid';
  writeFileSync(path.join(broken, 'assessment-results.json'), JSON.stringify(doc));
  const bad = validateOscal(broken);
  assert.ok(
    bad.errors.some((e) => /uuid/.test(e.error)) && bad.errors.some((e) => /start/.test(e.error)),
    JSON.stringify(bad.errors),
  );
});

test('each sealed day carries a signed completeness attestation, shown in the report, the manifests and gcaudit status', async () => {
  for (const day of [from, to]) {
    const pointer = json<{ key: string }>(`manifests/days/${day}/v0001.json`);
    const m = json<Manifest>(pointer.key.slice(lake.org.length + 1));
    const a = m.completeness!;
    assert.equal(a.day, day);
    assert.equal(a.verdict, 'complete', a.reasons.join('; '));
    assert.equal(a.totals.api, m.dayTotals.events);
    assert.equal(a.totals.lake, m.dayTotals.events);
    assert.equal(a.missingFromLake.count, 0);
  }
  const html = readFileSync(path.join(pkg, 'report.html'), 'utf8');
  for (const day of [from, to])
    assert.match(html, new RegExp(`<tr data-day="${day}" class="complete"><td>${day}</td><td>v1</td>`));

  const status = await gcaudit(env, 'status', '--json');
  assert.equal(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout) as { completeness: Array<{ day: string; verdict: string; api: number }> };
  assert.deepEqual(
    report.completeness.map((c) => [c.day, c.verdict]),
    [
      [to, 'complete'],
      [from, 'complete'],
    ],
  );
  const text = await gcaudit(env, 'status');
  assert.match(text.stdout, new RegExp(`${to} v1  complete  \\(api \\d+, stream -, lake \\d+\\)`));
});

test('the standalone verifier passes the package as exported and fails a tampered copy, naming the file', () => {
  const ok = verifyPackage(pkg);
  assert.equal(ok.code, 0, ok.out);
  console.log(ok.out);
  assert.match(ok.out, /1\/1 index file valid/);
  assert.match(ok.out, new RegExp(`(\\d+)/\\1 files valid`));
  assert.match(ok.out, /2\/2 manifests valid/);
  assert.match(ok.out, /2\/2 day pointers valid/);
  assert.match(ok.out, /2\/2 days attested complete/);
  assert.match(ok.out, /PASSED/);
  assert.equal(verifyPackage(pkg, '--public-key', path.join(pkg, 'index-public-key.pem')).code, 0);

  // A finding removed from the CSV.
  const t1 = path.join(work, 'tampered-csv');
  execFileSync('cp', ['-r', pkg, t1]);
  const csv = readFileSync(path.join(t1, 'findings.csv'), 'utf8').split('\r\n');
  writeFileSync(path.join(t1, 'findings.csv'), [csv[0], ...csv.slice(2)].join('\r\n'));
  const r1 = verifyPackage(t1);
  assert.equal(r1.code, 1);
  assert.match(r1.out, /findings\.csv INVALID: hash value doesn't match/);
  assert.match(r1.out, /FAILED: 1 problem\b/);

  // A manifest edited and the index rewritten to match: the index signature and the manifest's own signature catch it.
  const t2 = path.join(work, 'tampered-manifest');
  execFileSync('cp', ['-r', pkg, t2]);
  const pointer = json<{ key: string }>(`manifests/days/${to}/v0001.json`);
  const rel = pointer.key.slice(lake.org.length + 1);
  const edited = readFileSync(path.join(t2, rel), 'utf8').replace(
    /"events":(\d+)/,
    (_m, n: string) => `"events":${Number(n) - 1}`,
  );
  writeFileSync(path.join(t2, rel), edited);
  const index = JSON.parse(readFileSync(path.join(t2, 'index.json'), 'utf8')) as {
    files: Array<{ path: string; bytes: number; sha256: string }>;
  };
  const entry = index.files.find((f) => f.path === rel)!;
  entry.bytes = Buffer.byteLength(edited);
  entry.sha256 = execFileSync('sha256sum', [path.join(t2, rel)])
    .toString()
    .split(' ')[0];
  writeFileSync(path.join(t2, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  const r2 = verifyPackage(t2);
  assert.equal(r2.code, 1);
  assert.match(r2.out, /index\.json INVALID: the Ed25519 signature/);
  assert.match(r2.out, new RegExp(`${rel.replace(/\//g, '\\/')} INVALID: the manifest signature does not verify`));
  assert.match(r2.out, /day pointers valid/);
  assert.match(r2.out, new RegExp(`manifests/days/${to}/v0001\\.json INVALID: names`));

  // A file added to the package.
  const t3 = path.join(work, 'tampered-added');
  execFileSync('cp', ['-r', pkg, t3]);
  writeFileSync(path.join(t3, 'manifests', 'extra.json'), '{}');
  const r3 = verifyPackage(t3);
  assert.equal(r3.code, 1);
  assert.match(r3.out, /manifests\/extra\.json INVALID: not listed in index\.json/);
});
