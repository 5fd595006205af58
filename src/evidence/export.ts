import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { findingSources } from '../checks/system-findings';
import { ConfigError } from '../errors';
import { signingKeyKey } from '../lake/keys';
import { Manifest } from '../lake/manifest';
import { ManifestSigner } from '../lake/signing';
import { QueryEngine } from '../query/engine';
import { FINDING_CSV_COLUMNS, readFindings, toCsv } from './findings-export';
import type { Lake } from '../s3/lake';
import { readVersion } from '../s3/object-versions';
import { ASSESSMENT_PLAN_FILE, ASSESSMENT_RESULTS_FILE, assessmentPlan, assessmentResults, OscalInput } from './oscal';
import { STANDALONE_VERIFIER, STANDALONE_VERIFIER_FILE } from './standalone-verifier';
import {
  hashFiles,
  INDEX_FILE,
  INDEX_PUBLIC_KEY_FILE,
  INDEX_SIGNATURE_FILE,
  signIndex,
  VERIFY_INSTRUCTIONS_FILE,
  verifyInstructions,
} from './package-index';
import { coverageRows, DaySeal, renderReport } from './report-html';
import { addDays } from '../days';
import {
  ACCESS_CHANGES_FILE,
  ACCESS_HOLDERS_FILE,
  accessReview,
  CHANGE_CSV_COLUMNS,
  changeCsvRows,
  HOLDER_CSV_COLUMNS,
  holderCsvRows,
} from './access-review';
import { verifyLake, VerifyReport } from './verify';

export interface ExportOptions {
  lake: Lake;
  org: string;
  from: string;
  to: string;
  outDir: string;
  policy: VerifyReport['policy'];
  engine: QueryEngine;
  signer: ManifestSigner;
  pinnedKey?: { pem: string; file?: string };
  now?: Date;
}

export interface ExportResult {
  outDir: string;
  files: string[];
  verificationOk: boolean;
  problems: number;
  findings: number;
  days: number;
  sealedDays: number;
  index: { sha256Files: number; keyId: string };
}

/**
 * Writes an evidence package for a range of days: verification first (the package states the
 * result, pass or fail), then the manifests byte for byte as the verification trusted them, the
 * findings, the HTML report, and last the signed index of every file.
 */
export async function exportEvidence(opts: ExportOptions): Promise<ExportResult> {
  await prepareEmptyDir(opts.outDir);
  const now = opts.now ?? new Date();
  const verification = await verifyLake({
    lake: opts.lake,
    org: opts.org,
    from: opts.from,
    to: opts.to,
    policy: opts.policy,
    pinnedKey: opts.pinnedKey,
    now,
  });
  const written: OscalInput['files'] = [];
  const write = async (rel: string, body: string | Buffer) => {
    const file = path.join(opts.outDir, ...rel.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
    written.push({ path: rel, sha256: createHash('sha256').update(body).digest('hex') });
  };
  const manifests: OscalInput['manifests'] = [];

  // Manifests and pointers: the versions the verification trusted, under their lake names.
  const seals: DaySeal[] = [];
  const stripOrg = (key: string) => key.slice(opts.org.length + 1);
  for (const day of verification.days) {
    for (const o of day.objects) {
      if (o.kind === 'events' || o.kind === 'access' || !o.versionId) continue;
      const bytes = await readVersion(opts.lake.s3, opts.lake.bucket, o.key, o.versionId);
      await write(stripOrg(o.key), bytes);
      if (o.kind === 'manifest') {
        const m = JSON.parse(bytes.toString('utf8')) as Manifest;
        manifests.push({
          manifest: m,
          path: stripOrg(o.key),
          sha256: createHash('sha256').update(bytes).digest('hex'),
          versionId: o.versionId,
        });
        seals.push({
          day: m.day,
          version: m.version,
          sequence: m.sequence,
          events: m.dayTotals.events,
          rows: m.dayTotals.rows,
          objects: m.objects.length,
          pages: m.query?.pages ?? null,
          requests: m.query?.requests ?? null,
          transactionIds: m.query?.transactionIds.length ?? null,
          reconciliation: m.reconciliation,
          completeness: m.completeness ?? null,
        });
      }
    }
  }
  for (const keyId of verification.publicKey.keyIds) {
    const key = signingKeyKey(opts.org, keyId);
    try {
      await write(stripOrg(key), await readVersion(opts.lake.s3, opts.lake.bucket, key));
    } catch {
      // A pinned key need not be stored in the lake: then the pinned file itself goes in.
      if (opts.pinnedKey) await write(stripOrg(key), opts.pinnedKey.pem);
    }
  }

  const findings = await readFindings(opts.engine, { from: opts.from, to: opts.to });
  await write('findings.csv', toCsv(FINDING_CSV_COLUMNS, findings as unknown as Array<Record<string, string>>));
  // The access review of the range: holders on the last snapshot, changes of the range's snapshots.
  const review = await accessReview(opts.engine, { org: opts.org, asOf: opts.to, since: addDays(opts.from, -1) });
  await write(ACCESS_HOLDERS_FILE, toCsv(HOLDER_CSV_COLUMNS, holderCsvRows(review)));
  await write(ACCESS_CHANGES_FILE, toCsv(CHANGE_CSV_COLUMNS, changeCsvRows(review)));
  const coverage = coverageRows(verification);
  await write('coverage.csv', toCsv(Object.keys(coverage[0] ?? { day: '' }), coverage));
  await write('verification.json', `${JSON.stringify(verification, null, 2)}\n`);

  // OSCAL assessment results (and the plan they import) for GRC tools.
  // The system's own findings (an unresolved rehydration) count per control like the checks'.
  const checks = findingSources();
  const oscal: OscalInput = {
    org: opts.org,
    bucket: opts.lake.bucket,
    from: opts.from,
    to: opts.to,
    generatedAt: now.toISOString(),
    checks,
    findings,
    manifests,
    files: written,
    verificationOk: verification.ok,
  };
  await write(ASSESSMENT_PLAN_FILE, `${JSON.stringify(assessmentPlan(oscal), null, 2)}\n`);
  await write(ASSESSMENT_RESULTS_FILE, `${JSON.stringify(assessmentResults(oscal), null, 2)}\n`);
  // The auditor's verifier travels with the package (dependency-free; VERIFY.txt says how to run it).
  await copyFile(STANDALONE_VERIFIER, path.join(opts.outDir, STANDALONE_VERIFIER_FILE));

  const listed = (await hashFiles(opts.outDir)).map((f) => f.path);
  const html = renderReport({
    org: opts.org,
    from: opts.from,
    to: opts.to,
    generatedAt: now.toISOString(),
    verification,
    findings,
    checks: checks.map(({ id, title, severity, controls }) => ({ id, title, severity, controls })),
    seals: seals.sort((a, b) => a.sequence - b.sequence),
    accessReview: review,
    files: [
      ...listed.filter((f) => !f.startsWith('manifests/')),
      `manifests/ (${listed.filter((f) => f.startsWith('manifests/')).length} files)`,
      INDEX_FILE,
      INDEX_SIGNATURE_FILE,
      INDEX_PUBLIC_KEY_FILE,
      VERIFY_INSTRUCTIONS_FILE,
    ],
  });
  await write('report.html', html);

  const files = await hashFiles(opts.outDir);
  const signed = signIndex(
    {
      schema: 'gcaudit.evidence-index/v1',
      org: opts.org,
      from: opts.from,
      to: opts.to,
      createdAt: now.toISOString(),
      verificationOk: verification.ok,
      files,
    },
    opts.signer,
  );
  await write(INDEX_FILE, signed.json);
  await write(INDEX_SIGNATURE_FILE, signed.signature);
  await write(INDEX_PUBLIC_KEY_FILE, opts.signer.publicKeyPem);
  await write(VERIFY_INSTRUCTIONS_FILE, verifyInstructions(signed.index));

  return {
    outDir: opts.outDir,
    files: [
      ...files.map((f) => f.path),
      INDEX_FILE,
      INDEX_SIGNATURE_FILE,
      INDEX_PUBLIC_KEY_FILE,
      VERIFY_INSTRUCTIONS_FILE,
    ].sort(),
    verificationOk: verification.ok,
    problems: verification.problems.length,
    findings: findings.length,
    days: verification.summary.days,
    sealedDays: verification.summary.sealedDays,
    index: { sha256Files: files.length, keyId: opts.signer.keyId },
  };
}

/** A package is written into a new or empty directory only: never mixed with other files. */
async function prepareEmptyDir(dir: string): Promise<void> {
  let existing: string[] = [];
  try {
    existing = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (existing.length > 0)
    throw new ConfigError(`--out: ${dir} is not empty; an evidence package goes into a new or empty directory`);
  await mkdir(dir, { recursive: true });
}
