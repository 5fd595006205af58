import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { addDays } from '../../src/days';
import { verifyLake, VerifyReport } from '../../src/evidence/verify';
import { manifestChainKey, partitionPrefix } from '../../src/lake/keys';
import { Manifest } from '../../src/lake/manifest';
import { ManifestChain } from '../../src/lake/manifest-chain';
import { gcaudit } from '../harness/gcaudit';
import { sealedLake, SealedLake } from './sealed-lake';
import { lakeOf } from '../../src/s3/lake';

// Tampering the way an attacker with write access to the bucket can: Object Lock protects
// versions, not keys, so a new version on a key, a delete marker, an extra object and an edited
// manifest (a new version of a chain entry) are all possible, and each must be named.

const FIRST = '2026-11-02';

describe('verify a GOVERNANCE lake, then tamper with it', () => {
  let lake: SealedLake;
  const verify = (extra: Partial<Parameters<typeof verifyLake>[0]> = {}) =>
    verifyLake({
      lake: lakeOf(lake.config, lake.s3),
      org: lake.org,
      from: lake.days[0],
      to: lake.days.at(-1)!,
      policy: { lockMode: 'GOVERNANCE', retentionDays: 1 },
      ...extra,
    });
  const env = () => ({
    S3_BUCKET: lake.config.s3.bucket,
    GCAUDIT_ORG: lake.org,
    LAKE_LOCK_MODE: 'GOVERNANCE',
    LAKE_RETENTION_DAYS: '1',
  });
  const partKey = (day: string) => `${partitionPrefix(lake.org, 'audit_events', day)}part-00000.parquet`;
  const problems = (r: VerifyReport) => r.problems.map((p) => p.message);

  before(async () => {
    lake = await sealedLake({ org: 'acme', first: FIRST, count: 5 });
  });
  after(() => lake.s3.destroy());

  test('an untampered lake verifies: every day sealed, every object as sealed and locked (CLI exit 0)', async () => {
    const r = await verify();
    assert.deepEqual(r.problems, [], JSON.stringify(r.problems));
    assert.equal(r.ok, true);
    assert.equal(r.summary.sealedDays, 5);
    assert.equal(r.chain.entries, 5);
    assert.equal(r.publicKey.source, 'lake');
    assert.deepEqual(r.publicKey.keyIds, [lake.signer.keyId]);
    // Each day: its part, its manifest and its day pointer.
    for (const d of r.days) {
      assert.deepEqual(d.objects.map((o) => o.kind).sort(), ['events', 'manifest', 'pointer']);
      for (const o of d.objects) {
        assert.equal(o.status, 'ok');
        assert.equal(o.lockMode, 'GOVERNANCE');
      }
    }
    assert.equal(r.days[2].events, 4);

    const cli = await gcaudit(env(), 'verify', '--from', lake.days[0], '--to', lake.days.at(-1)!);
    assert.equal(cli.code, 0, cli.stderr + cli.stdout);
    assert.match(cli.stdout, /5 of 5 sealed/);
    assert.match(cli.stdout, /RESULT: OK/);
  });

  test('the policy is checked too: a COMPLIANCE policy flags GOVERNANCE locks, a longer retention flags short ones', async () => {
    const compliance = await verify({ policy: { lockMode: 'COMPLIANCE', retentionDays: 1 } });
    assert.equal(compliance.ok, false);
    assert.ok(compliance.days.flatMap((d) => d.objects).every((o) => o.status === 'lock-mode'));
    const longer = await verify({ policy: { lockMode: 'GOVERNANCE', retentionDays: 30 } });
    assert.ok(longer.days.flatMap((d) => d.objects).every((o) => o.status === 'retention-short'));
    assert.match(
      problems(longer)[0],
      /^retention-short: \S+ \(retained until .*, policy needs .* \(30 days from the seal\)\)$/,
    );
  });

  test('a pinned key: the right one verifies and is named; another one fails every signature', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pinned-'));
    const right = path.join(dir, 'right.pem');
    writeFileSync(right, lake.signer.publicKeyPem);
    const ok = await verify({ pinnedKey: { pem: lake.signer.publicKeyPem, file: right } });
    assert.equal(ok.ok, true);
    assert.deepEqual(ok.publicKey, {
      source: 'pinned',
      keyIds: [lake.signer.keyId],
      file: right,
      note: ok.publicKey.note,
    });

    const wrong = path.join(dir, 'wrong.pem');
    writeFileSync(wrong, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const cli = await gcaudit(
      env(),
      'verify',
      '--from',
      lake.days[0],
      '--to',
      lake.days.at(-1)!,
      '--public-key',
      wrong,
      '--json',
    );
    assert.equal(cli.code, 1, cli.stderr);
    const r = JSON.parse(cli.stdout) as VerifyReport;
    assert.equal(r.publicKey.source, 'pinned');
    assert.equal(r.signatureFailures.length, 5);
    assert.match(r.signatureFailures[0].reason, /not the pinned key/);
    assert.equal(r.summary.sealedDays, 0, 'no seal is trusted without a valid signature');
  });

  test('a new version on a sealed part is named as modified', async () => {
    const key = partKey(lake.days[0]);
    const put = await lake.s3.send(
      new PutObjectCommand({ Bucket: lake.config.s3.bucket, Key: key, Body: Buffer.from('PAR1 forged') }),
    );
    const r = await verify();
    assert.equal(r.ok, false);
    const o = r.days[0].objects.find((x) => x.key === key)!;
    assert.equal(o.status, 'modified');
    assert.match(o.detail!, new RegExp(`a newer version ${put.VersionId} .* replaces the sealed version`));
    assert.ok(problems(r).some((p) => p.startsWith(`modified: ${key}`)));
  });

  test('a delete marker on a sealed part is named as missing', async () => {
    const key = partKey(lake.days[1]);
    await lake.s3.send(new DeleteObjectCommand({ Bucket: lake.config.s3.bucket, Key: key }));
    const r = await verify();
    const o = r.days[1].objects.find((x) => x.key === key)!;
    assert.equal(o.status, 'missing');
    assert.match(o.detail!, /a delete marker .* hides the key; the sealed version .* is still stored/);
    assert.ok(problems(r).some((p) => p.startsWith(`missing: ${key}`)));
  });

  test('an extra object in a sealed partition is named as added', async () => {
    const key = `${partitionPrefix(lake.org, 'audit_events', lake.days[2])}part-00001.parquet`;
    await lake.s3.send(
      new PutObjectCommand({ Bucket: lake.config.s3.bucket, Key: key, Body: Buffer.from('PAR1 planted') }),
    );
    const r = await verify();
    assert.deepEqual(
      r.added.map((a) => a.key),
      [key],
    );
    assert.ok(problems(r).some((p) => p.startsWith(`added: ${key}`)));
  });

  test('an edited manifest (a new version of a chain entry) fails its signature, breaks the chain and is named', async () => {
    const chain = new ManifestChain(lakeOf(lake.config, lake.s3), lake.org);
    const key = manifestChainKey(lake.org, 4);
    const { manifest } = await chain.readManifest(key);
    const edited: Manifest = {
      ...manifest,
      dayTotals: { ...manifest.dayTotals, events: manifest.dayTotals.events - 1 },
    };
    await lake.s3.send(
      new PutObjectCommand({ Bucket: lake.config.s3.bucket, Key: key, Body: Buffer.from(JSON.stringify(edited)) }),
    );
    const r = await verify();
    assert.ok(r.signatureFailures.some((f) => f.key === key && /signature does not match/.test(f.reason)));
    assert.deepEqual(
      r.chainBreaks.map((b) => b.sequence),
      [5],
    );
    assert.match(
      r.chainBreaks[0].reason,
      /does not match the current .*000000004\.json.*the entry before was replaced/,
    );
    const m = r.days[3].objects.find((o) => o.key === key)!;
    assert.equal(m.status, 'modified');
    // The seal as signed still governs the day: its events count is the original one.
    assert.equal(r.days[3].events, manifest.dayTotals.events);

    const cli = await gcaudit(env(), 'verify', '--from', lake.days[0], '--to', lake.days.at(-1)!);
    assert.equal(cli.code, 1);
    for (const expected of [
      /modified: acme\/audit_events\/year=2026\/month=11\/day=02\/part-00000\.parquet/,
      /missing: acme\/audit_events\/year=2026\/month=11\/day=03\//,
      /added: acme\/audit_events\/year=2026\/month=11\/day=04\/part-00001\.parquet/,
      /chain break at sequence 5/,
      /modified: acme\/manifests\/chain\/000000004\.json/,
    ]) {
      assert.match(cli.stdout, expected);
    }
    assert.match(cli.stdout, /RESULT: FAILED \(\d+ problems\)/);
  });

  test('a day in the range that was never sealed is named; a bad range is a usage error', async () => {
    const r = await verify({ to: addDays(lake.days.at(-1)!, 1) });
    assert.ok(problems(r).includes(`${addDays(lake.days.at(-1)!, 1)} is not sealed: no signed manifest in the chain`));
    const bad = await gcaudit(env(), 'verify', '--from', '2026-11-09', '--to', '2026-11-01');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--from 2026-11-09 is after --to 2026-11-01/);
  });
});

test('a COMPLIANCE lake reports its locks as COMPLIANCE and verifies against a COMPLIANCE policy', async () => {
  const lake = await sealedLake({ org: 'strict', first: FIRST, count: 2, env: { LAKE_LOCK_MODE: 'COMPLIANCE' } });
  try {
    const r = await verifyLake({
      lake: lakeOf(lake.config, lake.s3),
      org: lake.org,
      from: lake.days[0],
      to: lake.days[1],
      policy: { lockMode: 'COMPLIANCE', retentionDays: 1 },
    });
    assert.equal(r.ok, true, JSON.stringify(r.problems));
    const objects = r.days.flatMap((d) => d.objects);
    assert.equal(objects.length, 6);
    for (const o of objects) {
      assert.equal(o.lockMode, 'COMPLIANCE');
      assert.ok(Date.parse(o.retainUntil!) > Date.now() + 23 * 3600_000);
    }
    // Under COMPLIANCE the attacker can still hide a part behind a delete marker; it is still named.
    const key = r.days[0].objects.find((o) => o.kind === 'events')!.key;
    await lake.s3.send(new DeleteObjectCommand({ Bucket: lake.config.s3.bucket, Key: key }));
    const after = await verifyLake({
      lake: lakeOf(lake.config, lake.s3),
      org: lake.org,
      from: lake.days[0],
      to: lake.days[1],
      policy: { lockMode: 'COMPLIANCE', retentionDays: 1 },
    });
    assert.equal(after.days[0].objects.find((o) => o.key === key)!.status, 'missing');
  } finally {
    lake.s3.destroy();
  }
});
