import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paginateListObjectsV2, PutObjectCommand } from '@aws-sdk/client-s3';
import { deleteAllVersions, listVersions, paginateListObjectVersions } from '../../src/s3/object-versions';
import { freshLake } from '../harness/env';

test('listings page through every object and version, and deleteAllVersions empties a prefix across pages', async () => {
  const { config, s3 } = await freshLake();
  const bucket = config.s3.bucket;
  try {
    // Five keys with two versions each (the lake bucket is versioned), outside any locked prefix.
    for (const n of [1, 2, 3, 4, 5]) {
      for (const body of ['a', 'b'])
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `paging/k${n}`, Body: body }));
    }
    const pages: number[] = [];
    for await (const page of paginateListObjectVersions(
      { client: s3 },
      { Bucket: bucket, Prefix: 'paging/', MaxKeys: 3 },
    ))
      pages.push(page.Versions?.length ?? 0);
    assert.ok(pages.length >= 4, `several pages of at most 3 (${pages.join(', ')})`);
    assert.equal(
      pages.reduce((a, b) => a + b, 0),
      10,
    );

    const byKey = await listVersions(s3, bucket, 'paging/');
    assert.deepEqual([...byKey.keys()].sort(), ['paging/k1', 'paging/k2', 'paging/k3', 'paging/k4', 'paging/k5']);
    for (const versions of byKey.values())
      assert.deepEqual(
        versions.map((v) => v.isLatest),
        [false, true],
        'oldest first, the latest last',
      );

    let listed = 0;
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 2 }, { Bucket: bucket, Prefix: 'paging/' }))
      listed += page.KeyCount ?? 0;
    assert.equal(listed, 5);

    await deleteAllVersions(s3, bucket, 'paging/');
    assert.equal((await listVersions(s3, bucket, 'paging/')).size, 0);
  } finally {
    s3.destroy();
  }
});
