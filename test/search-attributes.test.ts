import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { ensureSearchAttributes } from '../src/temporal/ensure-search-attributes';
import { temporalAddress } from '../src/temporal/connection';
import { testConfig, uniqueName } from './harness/env';

test('search attributes are registered on a namespace that lacks them, once', async () => {
  const connection = await Connection.connect({ address: temporalAddress(testConfig()) });
  try {
    const namespace = uniqueName('sa-test');
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    // A new namespace reaches the frontend's cache after a moment.
    let added: string[] | undefined;
    for (let i = 0; i < 50 && !added; i++) {
      added = await ensureSearchAttributes(connection, namespace).catch(async (err: Error) => {
        if (!/not found/i.test(err.message)) throw err;
        await new Promise((r) => setTimeout(r, 200));
        return undefined;
      });
    }
    assert.deepEqual(added?.sort(), ['GcauditDay', 'GcauditKind', 'GcauditOrg']);
    assert.deepEqual(await ensureSearchAttributes(connection, namespace), []);
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    assert.ok('GcauditOrg' in (listed.customAttributes ?? {}));
  } finally {
    await connection.close();
  }
});
