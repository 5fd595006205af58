import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderReport, ReportInput } from '../../src/evidence/report-html';
import type { FindingRow } from '../../src/evidence/findings-export';
import type { VerifyReport } from '../../src/evidence/verify';

const HOSTILE = `<script>alert(1)</script><img src=x onerror="alert(2)">' & "`;

/** A report whose every text from the lake, the checks or the config is the hostile string. */
function hostileInput(): ReportInput {
  const day = '2026-11-02';
  const verification: VerifyReport = {
    schema: 'gcaudit.verify/v1',
    org: HOSTILE,
    bucket: HOSTILE,
    from: day,
    to: day,
    verifiedAt: HOSTILE,
    policy: { lockMode: HOSTILE as 'COMPLIANCE', retentionDays: HOSTILE as unknown as number },
    publicKey: { source: 'lake', keyIds: [HOSTILE], note: HOSTILE },
    chain: {
      entries: HOSTILE as unknown as number,
      firstSequence: 1,
      lastSequence: HOSTILE as unknown as number,
      headSha256: HOSTILE,
    },
    // A manifest is data: a tampered one can put anything in its day, version or counts.
    days: [{ day: HOSTILE, sealed: true, versions: [HOSTILE as unknown as number], events: 3, rows: 3, objects: [] }],
    added: [],
    chainBreaks: [],
    signatureFailures: [],
    problems: [{ kind: 'object', message: HOSTILE, day: HOSTILE }],
    warnings: [HOSTILE],
    summary: { days: 1, sealedDays: 1, objects: 0, objectsOk: 0, objectsArchived: 0, events: 3 },
    ok: false,
  };
  const finding = Object.fromEntries(
    [
      'check_id',
      'title',
      'severity',
      'controls',
      'window_from',
      'window_to',
      'finding_key',
      'user_id',
      'event_count',
      'first_event_time',
      'last_event_time',
      'summary',
      'results_sha256',
      'run_at',
    ].map((k) => [k, HOSTILE]),
  ) as unknown as FindingRow;
  return {
    org: HOSTILE,
    from: day,
    to: day,
    generatedAt: HOSTILE,
    verification,
    findings: [finding],
    checks: [
      { id: HOSTILE, title: HOSTILE, severity: 'high', controls: { SOC2: [HOSTILE], PCI_DSS_4: [], HIPAA: [] } },
    ],
    seals: [
      {
        day: HOSTILE,
        version: HOSTILE as unknown as number,
        sequence: HOSTILE as unknown as number,
        events: 3,
        rows: 3,
        completeness: null,
        objects: HOSTILE as unknown as number,
        pages: HOSTILE as unknown as number,
        requests: null,
        transactionIds: null,
        reconciliation: { [HOSTILE]: HOSTILE },
      },
    ],
    files: [HOSTILE],
  };
}

test('no value from the lake, the checks or the config becomes markup in the report', () => {
  const page = renderReport(hostileInput());
  assert.doesNotMatch(page, /<script|<img/i, 'no planted element');
  assert.doesNotMatch(page, /onerror="/, 'no planted attribute');
  const escaped =
    '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;&#39; &amp; &quot;';
  // Every place the string was put shows it as text: seals, findings, problems, warnings, files, keys.
  assert.ok(
    page.split(escaped).length - 1 >= 20,
    `the hostile string is shown escaped everywhere (${page.split(escaped).length - 1} times)`,
  );
  assert.match(page, /<style>[^<]*"Segoe UI"/, 'the stylesheet is passed through as written');
});
