import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scheduleIds, workflowIds } from '../src/temporal/workflow-ids';

// The ids are a contract with running lakes and recorded histories: spelled out here on purpose.
test('workflow and schedule ids keep their spelling', () => {
  assert.equal(workflowIds.dailyCollect('acme'), 'daily-collect/acme');
  assert.equal(workflowIds.collectDay('acme', '2026-11-01'), 'collect-day/acme/2026-11-01');
  assert.equal(workflowIds.backfill('acme', '2026-10-01', '2026-10-31'), 'backfill/acme/2026-10-01..2026-10-31');
  assert.equal(workflowIds.runChecks('acme', '2026-11-01', 2), 'run-checks/acme/2026-11-01/v2');
  assert.equal(workflowIds.schemaRecrawl('acme'), 'schema-recrawl/acme');
  assert.equal(workflowIds.ingest('acme'), 'ingest/acme');
  assert.equal(workflowIds.rehydrate('acme', 'e-1'), 'rehydrate/acme/e-1');
  assert.equal(
    workflowIds.archiveRestore('acme', '2026-01-01', '2026-01-31'),
    'archive-restore/acme/2026-01-01..2026-01-31',
  );
  assert.equal(
    workflowIds.checksAfter('archive-restore/acme/2026-01-01..2026-01-31'),
    'archive-restore/acme/2026-01-01..2026-01-31/checks',
  );
  assert.equal(workflowIds.accessSnapshot('acme', '2026-11-01'), 'access-snapshot/acme/2026-11-01');
  assert.equal(scheduleIds.dailyCollect('acme'), 'daily-collect/acme');
  assert.equal(scheduleIds.schemaRecrawl('acme'), 'schema-recrawl/acme');
});
