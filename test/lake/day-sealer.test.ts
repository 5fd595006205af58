import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import {
  GetObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Config } from '../../src/config/config';
import { Secret } from '../../src/config/secret';
import { ImmutabilityError } from '../../src/errors';
import { sealDay, SealRequest } from '../../src/lake/day-sealer';
import { listKeys } from '../../src/s3/list-objects';
import { openDuckDb } from '../../src/lake/duckdb';
import { partitionPrefix, stagingChunkKey, stagingPrefix } from '../../src/lake/keys';
import { verifyManifestSignature } from '../../src/lake/manifest';
import { ManifestChain } from '../../src/lake/manifest-chain';
import { createSigner } from '../../src/lake/signing';
import { writeStagingChunk } from '../../src/lake/staging';
import { eventLine } from '../../src/lake/event-lines';
import { putLockedObject } from '../../src/s3/locked-object';
import { freshLake } from '../harness/env';
import { lakeEventWithChanges } from '../harness/lake';
import { lakeOf } from '../../src/s3/lake';

const signer = createSigner(
  new Secret(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
);
const ORG = 'acme';

/** A staged event line with `changes` property changes (lake rows: one per change, or one). */
function line(eventId: string, time: string, changes = 0): string {
  return eventLine(lakeEventWithChanges(eventId, time, changes));
}

let config: Config;
let s3: S3Client;
before(async () => {
  ({ config, s3 } = await freshLake({ LAKE_RETENTION_DAYS: '1' }));
});
after(() => s3.destroy());

async function stage(day: string, run: string, pages: string[][]): Promise<string> {
  for (const [i, lines] of pages.entries()) {
    await writeStagingChunk(lakeOf(config, s3), { key: stagingChunkKey(ORG, day, run, `c${i}`), lines });
  }
  return stagingPrefix(ORG, day, run);
}

function request(day: string, prefix: string, overrides: Partial<SealRequest> = {}): SealRequest {
  return {
    org: ORG,
    day,
    stagingPrefix: prefix,
    query: null,
    sealedAt: '2026-11-22T03:00:00.000Z',
    hmacKeyId: 'k1',
    extraAllowlist: ['context'],
    ...overrides,
  };
}

async function readRows(key: string): Promise<Array<[string, number]>> {
  const res = await s3.send(new GetObjectCommand({ Bucket: config.s3.bucket, Key: key }));
  const file = `${mkdtempSync(`${tmpdir()}/rows-`)}/p.parquet`;
  writeFileSync(file, await res.Body!.transformToByteArray());
  const db = await openDuckDb();
  try {
    const r = await db.connection.runAndReadAll(
      `SELECT event_id, change_index FROM read_parquet('${file}') ORDER BY 1, 2`,
    );
    return r.getRows().map(([id, ci]) => [String(id), Number(ci)]);
  } finally {
    db.close();
  }
}

describe('sealing a day', () => {
  const day = '2026-11-20';

  test('merges staged pages once each, locks the parts, and signs a chained manifest', async () => {
    const prefix = await stage(day, 'run1', [
      [line('e1', '2026-11-20T01:00:00.000Z'), line('e2', '2026-11-20T02:00:00.000Z', 2)],
      // e2 again on the next page (the API can repeat an event across pages), and one event of another day.
      [
        line('e2', '2026-11-20T02:00:00.000Z', 2),
        line('e3', '2026-11-20T23:59:59.999Z'),
        line('x9', '2026-11-21T00:00:00.000Z'),
      ],
    ]);
    const sealed = await sealDay({ lake: lakeOf(config, s3), duckdb: config.duckdb, signer }, request(day, prefix));
    assert.equal(sealed.changed, true);
    assert.equal(sealed.version, 1);
    assert.equal(sealed.newEvents, 3);
    assert.equal(sealed.newRows, 4);
    assert.equal(sealed.outsideDay, 1);
    // Page order; the rows staged twice (e2's two) once each, the event of another day left out.
    assert.deepEqual(
      sealed.objects.map((o) => o.key),
      [`${partitionPrefix(ORG, 'audit_events', day)}part-00000.parquet`],
    );
    assert.match(sealed.objects[0].key, /^acme\/audit_events\/year=2026\/month=11\/day=20\//);
    assert.deepEqual(await readRows(sealed.objects[0].key), [
      ['e1', 0],
      ['e2', 0],
      ['e2', 1],
      ['e3', 0],
    ]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: config.s3.bucket, Key: sealed.objects[0].key }));
    assert.equal(head.ObjectLockMode, 'COMPLIANCE');
    assert.equal(head.ServerSideEncryption, 'AES256');
    assert.equal(head.Metadata?.sha256, sealed.objects[0].sha256);

    const chain = new ManifestChain(lakeOf(config, s3), ORG);
    const [manifest] = await chain.dayManifests(day);
    assert.equal(manifest.dayTotals.events, 3);
    assert.equal(manifest.objects[0].minEventTime, '2026-11-20T01:00:00.000Z');
    assert.equal(manifest.objects[0].maxEventTime, '2026-11-20T23:59:59.999Z');
    assert.ok(verifyManifestSignature(manifest, signer.publicKeyPem));
    assert.ok(
      !verifyManifestSignature({ ...manifest, dayTotals: { ...manifest.dayTotals, events: 2 } }, signer.publicKeyPem),
    );
    const retention = await s3.send(
      new GetObjectRetentionCommand({ Bucket: config.s3.bucket, Key: sealed.manifestKey }),
    );
    assert.equal(retention.Retention?.Mode, 'COMPLIANCE');

    assert.deepEqual(await listKeys(s3, config.s3.bucket, prefix), [], 'staging is cleared once sealed');
  });

  test('sealing the same events again changes nothing', async () => {
    const before = await listKeys(s3, config.s3.bucket, `${ORG}/`);
    const prefix = await stage(day, 'run2', [
      [line('e3', '2026-11-20T23:59:59.999Z'), line('e1', '2026-11-20T01:00:00.000Z')],
    ]);
    const again = await sealDay(
      { lake: lakeOf(config, s3), duckdb: config.duckdb, signer },
      request(day, prefix, { sealedAt: '2026-11-23T03:00:00.000Z' }),
    );
    assert.equal(again.changed, false);
    assert.equal(again.version, 1);
    assert.deepEqual(await listKeys(s3, config.s3.bucket, `${ORG}/`), before);
  });

  test('late events go into a supplement that holds only the new ids', async () => {
    const prefix = await stage(day, 'run3', [
      [
        line('e1', '2026-11-20T01:00:00.000Z'),
        line('e4', '2026-11-20T05:00:00.000Z'),
        line('e5', '2026-11-20T06:00:00.000Z', 1),
      ],
    ]);
    const late = await sealDay({ lake: lakeOf(config, s3), duckdb: config.duckdb, signer }, request(day, prefix));
    assert.equal(late.changed, true);
    assert.equal(late.version, 2);
    assert.equal(late.newEvents, 2);
    assert.equal(late.dayEvents, 5);
    assert.match(late.objects[0].key, /supplement-v0002-00000\.parquet$/);
    assert.deepEqual(await readRows(late.objects[0].key), [
      ['e4', 0],
      ['e5', 0],
    ]);
    const chain = new ManifestChain(lakeOf(config, s3), ORG);
    const manifests = await chain.dayManifests(day);
    assert.deepEqual(
      manifests.map((m) => m.version),
      [1, 2],
    );
    assert.equal(manifests[1].previous?.key, (await chain.dayPointers(day))[0].key, 'version 2 chains to version 1');
    assert.equal(manifests[1].previous?.sha256, (await chain.dayPointers(day))[0].sha256);
  });

  test('an empty day gets a manifest too', async () => {
    const sealed = await sealDay(
      { lake: lakeOf(config, s3), duckdb: config.duckdb, signer },
      request('2026-11-19', stagingPrefix(ORG, '2026-11-19', 'none')),
    );
    assert.equal(sealed.changed, true);
    assert.equal(sealed.dayEvents, 0);
    assert.deepEqual(sealed.objects, []);
    const [manifest] = await new ManifestChain(lakeOf(config, s3), ORG).dayManifests('2026-11-19');
    assert.equal(manifest.dayTotals.events, 0);
  });
});

test('with a bucket default COMPLIANCE lock (gcaudit init), sealing still clears the staging chunks', async () => {
  const locked = await freshLake({ LAKE_RETENTION_DAYS: '1' });
  try {
    await locked.s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: locked.config.s3.bucket,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } },
        },
      }),
    );
    const day = '2026-08-10';
    await writeStagingChunk(lakeOf(locked.config, locked.s3), {
      key: stagingChunkKey(ORG, day, 'r', 'c0'),
      lines: [line('s1', `${day}T10:00:00.000Z`)],
    });
    const sealed = await sealDay(
      { lake: lakeOf(locked.config, locked.s3), duckdb: locked.config.duckdb, signer },
      request(day, stagingPrefix(ORG, day, 'r')),
    );
    assert.equal(sealed.newEvents, 1);
    const versions = await locked.s3.send(
      new ListObjectVersionsCommand({ Bucket: locked.config.s3.bucket, Prefix: stagingPrefix(ORG, day, 'r') }),
    );
    assert.deepEqual(
      [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])],
      [],
      'no staging version or marker is left',
    );
  } finally {
    locked.s3.destroy();
  }
});

test('concurrent seals never fork the chain', async () => {
  const org = 'race';
  const days = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06'];
  const results = await Promise.all(
    days.map(async (day, i) => {
      const prefix = stagingPrefix(org, day, 'r');
      await writeStagingChunk(lakeOf(config, s3), {
        key: stagingChunkKey(org, day, 'r', 'c0'),
        lines: [line(`r${i}`, `${day}T10:00:00.000Z`)],
      });
      return sealDay({ lake: lakeOf(config, s3), duckdb: config.duckdb, signer }, { ...request(day, prefix), org });
    }),
  );
  assert.deepEqual(
    results.map((r) => r.sequence).sort((a, b) => a - b),
    [1, 2, 3, 4, 5, 6],
  );
  const chain = new ManifestChain(lakeOf(config, s3), org);
  const keys = await chain.listChainKeys();
  assert.equal(keys.length, 6);
  let previous: { key: string; sha256: string } | null = null;
  for (const key of keys) {
    const { manifest, sha256 } = await chain.readManifest(key);
    assert.deepEqual(manifest.previous, previous, `${key} links to the entry before it`);
    assert.ok(verifyManifestSignature(manifest, signer.publicKeyPem));
    previous = { key, sha256 };
  }
});

test('identical events give identical part bytes, and a key is never overwritten with other bytes', async () => {
  const other = await freshLake({ LAKE_RETENTION_DAYS: '1' });
  try {
    const lines = [line('d1', '2026-09-01T10:00:00.000Z', 1), line('d2', '2026-09-01T11:00:00.000Z')];
    const hashes = [];
    for (const lake of [{ config, s3 }, other]) {
      const key = stagingChunkKey('det', '2026-09-01', 'r', 'c0');
      await writeStagingChunk(lakeOf(lake.config, lake.s3), { key, lines });
      const sealed = await sealDay(
        { lake: lakeOf(lake.config, lake.s3), duckdb: lake.config.duckdb, signer },
        { ...request('2026-09-01', stagingPrefix('det', '2026-09-01', 'r')), org: 'det' },
      );
      hashes.push(sealed.objects[0].sha256);
    }
    assert.equal(hashes[0], hashes[1]);

    const key = `${partitionPrefix('det', 'audit_events', '2026-09-01')}part-00000.parquet`;
    await assert.rejects(
      putLockedObject(lakeOf(config, s3), { key, body: Buffer.from('tampered') }),
      (err) => err instanceof ImmutabilityError && /never overwritten/.test(err.message),
    );
  } finally {
    other.s3.destroy();
  }
});
