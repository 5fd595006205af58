import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { AccessReview } from '../../src/evidence/access-review';
import { checkPackage, PackageIndex } from '../../src/evidence/package-index';
import { gcaudit } from '../harness/gcaudit';
import { uniqueName } from '../harness/env';
import { AccessLake, accessLake, D1, D2 } from './access-lake';

// gcaudit access review and the evidence package's Access review, as a user runs them, over the
// planted org of access-lake.ts: alice's Master Admin grant has no audit event (out-of-band).

let lake: AccessLake;
const work = mkdtempSync(path.join(tmpdir(), 'access-review-'));
const env = (org: string) => ({
  GCAUDIT_ORG: org,
  S3_BUCKET: lake.config.s3.bucket,
  LAKE_RETENTION_DAYS: '1',
  LAKE_LOCK_MODE: 'GOVERNANCE',
  CHECKS_SYSTEM_USER_IDS: 'u-svc',
  GCAUDIT_DATA_DIR: path.join(work, `data-${org}`),
});

before(async () => {
  lake = await accessLake(uniqueName('rev'));
});

after(() => {
  lake?.s3.destroy();
});

test('access review --json: holders of the day, each change with its event, the out-of-band grant as a finding', async () => {
  const r = await gcaudit(env(lake.orgs.planted), 'access', 'review', '--as-of', D2, '--json');
  assert.equal(r.code, 3, r.stderr);
  const review = JSON.parse(r.stdout) as AccessReview;
  assert.equal(review.snapshotDay, D2);
  assert.equal(review.since, D1);
  assert.deepEqual(review.unknown, []);
  const alice = review.holders.filter((h) => h.subjectId === 'u-alice').map((h) => `${h.roleName} ${h.subjectState}`);
  assert.deepEqual(alice.sort(), ['Agent active', 'Master Admin active']);
  const admin = review.holders.find((h) => h.roleId === 'r-admin')!;
  assert.deepEqual(admin.permissions, ['*:*:*']);
  const cc = review.holders.find((h) => h.subjectId === 'c-cc')!;
  assert.equal(cc.subjectType, 'oauth_client');
  assert.equal(cc.subjectName, 'client c-cc');
  const changes = review.changes.map(
    (c) => `${c.change} ${c.subjectId} ${c.roleId ?? '-'} ${c.explained ? c.eventId : '-'} ${c.finding ?? '-'}`,
  );
  assert.deepEqual(changes, [
    'event_effect_missing u-erin r-agent - grant_without_audit_event',
    'grant_added u-alice r-admin - grant_without_audit_event',
    'grant_added u-dave r-admin p2-add-dave -',
    'grant_removed u-dave r-agent p2-rm-dave -',
    'role_permissions_changed r-sup r-sup p2-sup -',
    'user_state_changed u-erin - - access_change_unexplained',
  ]);
});

test('access review table: holders and changes for a person', async () => {
  const r = await gcaudit(env(lake.orgs.planted), 'access', 'review', '--as-of', D2, '--since', D1);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stdout, new RegExp(`access review of ${lake.orgs.planted} as of ${D2}: snapshot of ${D2}`));
  assert.match(r.stdout, /^Master Admin\s+user\s+u-alice\s+person#k1:u-alice\s+active\s+div-home\s+\*:\*:\*$/m);
  assert.match(r.stdout, /grant_added\s+user u-alice\s+r-admin\s+div-home\s+grant_without_audit_event/);
  assert.match(
    r.stdout,
    /grant_added\s+user u-dave\s+r-admin\s+div-home\s+p2-add-dave 2026-05-05T10:00:00.000Z by u-admin/,
  );
  assert.match(r.stdout, /3 changes explained by audit events, 3 without \(findings\)/);
  assert.equal(r.stderr, '');
});

test('access review of a snapshot that could not read the users says so, and is not a clean pass of them', async () => {
  const r = await gcaudit(env(lake.orgs.blind), 'access', 'review', '--as-of', D2, '--json');
  assert.equal(r.code, 0, r.stderr);
  const review = JSON.parse(r.stdout) as AccessReview;
  assert.deepEqual(review.unknown, [
    `access_users was not readable in the snapshot of ${D2} (missing directory:user:view)`,
  ]);
  assert.ok(review.holders.every((h) => h.subjectType !== 'user' || h.subjectState === null));
  const table = await gcaudit(env(lake.orgs.blind), 'access', 'review', '--as-of', D2);
  assert.match(table.stdout, /UNKNOWN: access_users was not readable/);
});

test('access review refuses bad days with exit 2 and one line naming the cause', async () => {
  const bad = await gcaudit(env(lake.orgs.planted), 'access', 'review', '--as-of', '2026-02-30');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--to: expected a date YYYY-MM-DD, got "2026-02-30"|expected a date/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  const order = await gcaudit(env(lake.orgs.planted), 'access', 'review', '--as-of', D1, '--since', D2);
  assert.equal(order.code, 2);
  assert.match(order.stderr, /--since 2026-05-05 must be before --as-of 2026-05-04|is after/);
});

test('evidence package: an Access review section (HTML and CSV) signed in the index, the out-of-band grant in it and in the findings', async () => {
  const e = env(lake.orgs.planted);
  const run = await gcaudit(e, 'check', 'run', '--from', D2, '--check', 'grant_without_audit_event', '--json');
  assert.equal(run.code, 3, run.stderr + run.stdout);
  const out = path.join(work, 'package');
  const r = await gcaudit(e, 'evidence', 'export', '--from', D1, '--to', D2, '--out', out, '--json');
  // The fixture writes its snapshots straight to the lake, not through the snapshot workflow that
  // lists them in the day's manifest: verify names each as unlisted (and nothing else), and the
  // package is still written (the end-to-end test runs the real workflow and verifies clean).
  assert.equal(r.code, 1, r.stderr + r.stdout);
  const verification = JSON.parse(readFileSync(path.join(out, 'verification.json'), 'utf8')) as {
    problems: Array<{ key?: string; message?: string }>;
  };
  assert.equal(verification.problems.length, 12);
  for (const p of verification.problems) assert.match(JSON.stringify(p), /\/access_[a-z_]+\//);
  const result = JSON.parse(r.stdout) as { files: string[] };
  assert.ok(result.files.includes('access-review/holders.csv'));
  assert.ok(result.files.includes('access-review/changes.csv'));

  const index = JSON.parse(readFileSync(path.join(out, 'index.json'), 'utf8')) as PackageIndex;
  for (const f of ['access-review/holders.csv', 'access-review/changes.csv'])
    assert.ok(
      index.files.some((x) => x.path === f),
      `${f} is signed in the index`,
    );
  const check = await checkPackage(out);
  assert.equal(check.ok, true, check.problems.join('; '));

  const changes = readFileSync(path.join(out, 'access-review/changes.csv'), 'utf8').split('\r\n');
  assert.equal(
    changes[0],
    'snapshot_day,previous_snapshot_day,change,subject_type,subject_id,role_id,division_id,detail,explained,event_id,event_time,actor_user_id,finding',
  );
  assert.ok(
    changes.some(
      (l) =>
        l.startsWith(`${D2},${D1},grant_added,user,u-alice,r-admin,div-home,`) &&
        l.endsWith(',false,,,,grant_without_audit_event'),
    ),
    changes.join('\n'),
  );
  const holders = readFileSync(path.join(out, 'access-review/holders.csv'), 'utf8');
  assert.match(
    holders,
    new RegExp(
      `^${D2},user,u-alice,person#k1:u-alice,active,r-admin,Master Admin,div-home,div-home,\\*:\\*:\\*\\r$`,
      'm',
    ),
  );

  const report = readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.match(report, /<section id="access-review">/);
  assert.match(report, /data-change="grant_added"\s+data-subject="u-alice"\s+class="finding"/);
  assert.match(report, /data-change="grant_added"\s+data-subject="u-dave"\s+class="explained"/);
  assert.match(report, /access-review\/holders\.csv/);
  const findings = readFileSync(path.join(out, 'findings.csv'), 'utf8');
  assert.match(findings, /grant_without_audit_event,.*grant_added:u-alice:r-admin:div-home@2026-05-05/);
});
