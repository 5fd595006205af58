import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadChecks } from '../../src/checks/check-file';
import { findingSources, REHYDRATION_UNRESOLVED, SYSTEM_FINDINGS } from '../../src/checks/system-findings';
import { ConfigError } from '../../src/errors';

test('system findings are registered beside the check files, each with controls in every framework', () => {
  const checks = loadChecks();
  const all = findingSources(checks);
  assert.deepEqual(
    all.map((c) => c.id),
    [...checks.map((c) => c.id), ...SYSTEM_FINDINGS.map((c) => c.id)],
  );
  assert.ok(all.includes(REHYDRATION_UNRESOLVED));
  for (const s of SYSTEM_FINDINGS)
    for (const fw of ['SOC2', 'PCI_DSS_4', 'HIPAA'] as const) assert.ok(s.controls[fw].length > 0, `${s.id} ${fw}`);
});

test('a check file with a system finding’s id is refused, naming the file', () => {
  const [first] = loadChecks();
  assert.throws(
    () => findingSources([{ ...first, id: REHYDRATION_UNRESOLVED.id }]),
    (err: unknown) => err instanceof ConfigError && err.message.startsWith(`checks/${REHYDRATION_UNRESOLVED.id}.yml`),
  );
});
