/**
 * NIST OSCAL 1.1 assessment results for an evidence package: one result for the period, the
 * controls the checks map to (SOC 2, PCI DSS 4.0, HIPAA), one observation per check over the
 * period and one per day's completeness attestation, one finding per stored finding, and the
 * lake objects behind them (sealed manifests and event parts, with their SHA-256) in back-matter.
 * A minimal assessment plan (assessment-plan.json) is what the results import.
 */
import { createHash } from 'node:crypto';
import type { Check } from '../checks/check-file';
import type { CompletenessAttestation } from '../lake/completeness';
import type { Manifest } from '../lake/manifest';
import type { FindingRow } from './findings-export';

export const OSCAL_VERSION = '1.1.2';
export const ASSESSMENT_RESULTS_FILE = 'assessment-results.json';
export const ASSESSMENT_PLAN_FILE = 'assessment-plan.json';
const NS = 'https://github.com/gcaudit/gcaudit/ns/oscal';

export interface OscalInput {
  org: string;
  bucket: string;
  from: string;
  to: string;
  generatedAt: string;
  checks: Array<Pick<Check, 'id' | 'title' | 'severity' | 'description' | 'controls'>>;
  findings: FindingRow[];
  /** Every manifest of the range the verification trusted, with its path and SHA-256 in the package. */
  manifests: Array<{ manifest: Manifest; path: string; sha256: string; versionId?: string }>;
  /** Other package files evidence refers to (findings.csv, verification.json), with their SHA-256. */
  files: Array<{ path: string; sha256: string }>;
  verificationOk: boolean;
}

/** Deterministic UUID (version 5 layout) from a name: the same package content gives the same document. */
export function nameUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const FRAMEWORKS: Array<{ key: keyof Check['controls']; label: string; prefix: string }> = [
  { key: 'SOC2', label: 'SOC 2 (AICPA Trust Services Criteria 2017)', prefix: 'soc2' },
  { key: 'PCI_DSS_4', label: 'PCI DSS 4.0', prefix: 'pci-dss-4' },
  { key: 'HIPAA', label: 'HIPAA Security Rule (45 CFR 164)', prefix: 'hipaa' },
];

/** An OSCAL control-id (a token: letters, digits, ".", "-", "_", not starting with a digit) for a framework's control id. */
export function controlToken(framework: keyof Check['controls'], id: string): string {
  const prefix = FRAMEWORKS.find((f) => f.key === framework)!.prefix;
  return `${prefix}_${id
    .replace(/[()]+/g, '.')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.+$/, '')
    .toLowerCase()}`;
}

function reviewedControls(checks: OscalInput['checks']) {
  return {
    description: 'The controls the compliance checks test, as each check file maps them (checks/*.yml).',
    'control-selections': FRAMEWORKS.map((fw) => {
      const ids = [...new Set(checks.flatMap((c) => c.controls[fw.key]))].sort((a, b) =>
        a.localeCompare(b, 'en', { numeric: true }),
      );
      return {
        description: fw.label,
        props: ids.map((id) => ({ name: 'control', ns: NS, value: id, class: controlToken(fw.key, id) })),
        'include-controls': ids.map((id) => ({ 'control-id': controlToken(fw.key, id) })),
      };
    }),
  };
}

function metadata(title: string, input: OscalInput) {
  return {
    title,
    'last-modified': input.generatedAt,
    version: `${input.from}/${input.to}`,
    'oscal-version': OSCAL_VERSION,
    props: [{ name: 'organization', ns: NS, value: input.org }],
  };
}

export function assessmentPlan(input: OscalInput): object {
  const ssp = nameUuid(input.org, input.from, input.to, 'system');
  return {
    'assessment-plan': {
      uuid: nameUuid(input.org, input.from, input.to, 'assessment-plan'),
      metadata: metadata(
        `Assessment plan: Genesys Cloud audit lake of ${input.org}, ${input.from} to ${input.to}`,
        input,
      ),
      // There is no system security plan: the system assessed is the org's audit lake, as the report describes it.
      'import-ssp': { href: `#${ssp}` },
      'reviewed-controls': reviewedControls(input.checks),
      'assessment-subjects': [
        {
          type: 'component',
          description: `Genesys Cloud org ${input.org}: its audit log, collected into the immutable lake in bucket ${input.bucket}.`,
          'include-all': {},
        },
      ],
      tasks: [
        {
          uuid: nameUuid(input.org, 'task', 'checks'),
          type: 'action',
          title: 'Automated compliance checks over each sealed day',
          description:
            'Each check (SQL over the sealed lake) runs over every day once it is sealed; findings are stored, locked, in the lake.',
        },
        {
          uuid: nameUuid(input.org, 'task', 'completeness'),
          type: 'action',
          title: 'Daily completeness attestation',
          description:
            'Each sealed day is compared across the audit query API, the event stream and the lake; the verdict is signed in the day manifest.',
        },
      ],
      'back-matter': {
        resources: [
          {
            uuid: ssp,
            title: 'System description',
            description: 'The evidence report of this package (report.html) describes the system and the method.',
            rlinks: [{ href: 'report.html' }],
          },
        ],
      },
    },
  };
}

export function assessmentResults(input: OscalInput): object {
  const resources: Array<Record<string, unknown>> = [];
  const resource = (
    title: string,
    description: string,
    rlinks: Array<{ href: string; sha256?: string }>,
    key: string,
  ) => {
    const uuid = nameUuid(input.org, 'resource', key);
    resources.push({
      uuid,
      title,
      description,
      rlinks: rlinks.map((l) => ({
        href: l.href,
        ...(l.sha256 ? { hashes: [{ algorithm: 'SHA-256', value: l.sha256 }] } : {}),
      })),
    });
    return uuid;
  };

  // The lake objects behind the result: each seal's manifest (in the package and in the lake) and its event parts.
  const lastSeal = new Map<string, OscalInput['manifests'][number]>();
  const dayEvidence = new Map<string, string[]>();
  for (const m of [...input.manifests].sort((a, b) => a.manifest.sequence - b.manifest.sequence)) {
    const { manifest } = m;
    lastSeal.set(manifest.day, m);
    const ids = dayEvidence.get(manifest.day) ?? [];
    ids.push(
      resource(
        `Manifest of ${manifest.day}, seal v${manifest.version} (chain #${manifest.sequence})`,
        `Signed (Ed25519, key ${manifest.signature.keyId}) and hash-chained manifest: ${manifest.objects.filter((o) => o.table === 'audit_events').length} event parts${manifest.accessSnapshot ? `, the access snapshot (${manifest.objects.length} tables)` : ''}, ${manifest.dayTotals.events} events in the day.`,
        [
          { href: m.path, sha256: m.sha256 },
          {
            href: `s3://${input.bucket}/${input.org}/${m.path}${m.versionId ? `?versionId=${encodeURIComponent(m.versionId)}` : ''}`,
            sha256: m.sha256,
          },
        ],
        `manifest ${manifest.sequence}`,
      ),
    );
    for (const o of manifest.objects) {
      ids.push(
        resource(
          o.table === 'audit_events'
            ? `Audit events of ${manifest.day}: ${o.key.split('/').at(-1)}`
            : `Access snapshot of ${manifest.day}: ${o.table}`,
          `${o.table === 'audit_events' ? `${o.events} events, ` : ''}${o.rows} rows, under Object Lock, listed by seal v${manifest.version} of ${manifest.day}.`,
          [
            {
              href: `s3://${input.bucket}/${o.key}${o.versionId ? `?versionId=${encodeURIComponent(o.versionId)}` : ''}`,
              sha256: o.sha256,
            },
          ],
          `object ${o.key} ${o.versionId ?? ''}`,
        ),
      );
    }
    dayEvidence.set(manifest.day, ids);
  }
  const fileResource = (p: string, title: string) => {
    const f = input.files.find((x) => x.path === p);
    return f ? resource(title, `${p} in this package.`, [{ href: p, sha256: f.sha256 }], `file ${p}`) : null;
  };
  const findingsCsv = fileResource('findings.csv', 'Stored findings of the range');
  const verificationJson = fileResource('verification.json', 'Verification of the lake for the range');
  const days = [...lastSeal.keys()].sort();
  const allEvidence = days.flatMap((d) => dayEvidence.get(d)!);

  const observations: Array<Record<string, unknown>> = [];
  const checkObservation = new Map<string, string>();
  for (const check of input.checks) {
    const rows = input.findings.filter((f) => f.check_id === check.id);
    const uuid = nameUuid(input.org, input.from, input.to, 'observation', 'check', check.id);
    checkObservation.set(check.id, uuid);
    const windows = [...new Set(rows.map((r) => `${r.window_from}/${r.window_to}`))].sort();
    observations.push({
      uuid,
      title: `Check ${check.id}: ${check.title}`,
      description: `${check.description} Evaluated over the sealed days ${days.length ? `${days[0]} to ${days.at(-1)} (${days.length} days)` : '(none sealed)'}: ${rows.length} findings${windows.length ? ` in check windows ${windows.join(', ')}` : ''}.`,
      props: [
        { name: 'check-id', ns: NS, value: check.id },
        { name: 'severity', ns: NS, value: check.severity },
        { name: 'findings', ns: NS, value: String(rows.length) },
        ...days.map((d) => ({ name: 'day', ns: NS, value: d })),
      ],
      methods: ['TEST'],
      types: rows.length ? ['finding'] : ['control-objective'],
      collected: input.generatedAt,
      'relevant-evidence': [
        ...(findingsCsv
          ? [{ href: `#${findingsCsv}`, description: 'The stored findings of the range (findings.csv).' }]
          : []),
        ...allEvidence.map((id) => ({ href: `#${id}`, description: 'A sealed lake object the check read.' })),
      ],
    });
  }
  for (const day of days) {
    const seal = lastSeal.get(day)!.manifest;
    const a: CompletenessAttestation | undefined = seal.completeness;
    observations.push({
      uuid: nameUuid(input.org, 'observation', 'completeness', day, String(seal.version)),
      title: `Completeness of ${day}`,
      description: a
        ? `${a.verdict === 'complete' ? 'Complete' : `Incomplete: ${a.reasons.join('; ')}`}. Audit query API ${a.totals.api} events, stream ${a.totals.stream ?? 'not configured'}, lake ${a.totals.lake}; missing from the lake ${a.missingFromLake.count}${a.missingFromStream ? `, missing from the stream ${a.missingFromStream.count}, missing from the API ${a.missingFromApi?.count ?? 0}` : ''}${a.rehydrations ? `; rehydrated ${a.rehydrations.rehydrated}, unresolved ${a.rehydrations.unresolved}, pending ${a.rehydrations.pending}` : ''}.${a.notes.length ? ` ${a.notes.join('; ')}.` : ''}`
        : `Sealed (v${seal.version}, ${seal.dayTotals.events} events) before completeness attestations existed: not attested.`,
      props: [
        { name: 'day', ns: NS, value: day },
        { name: 'completeness', ns: NS, value: a?.verdict ?? 'not-attested' },
        ...(a
          ? Object.entries(a.services).map(([service, c]) => ({
              name: 'service-counts',
              ns: NS,
              value: `${service}: api ${c.api}, stream ${c.stream ?? '-'}, lake ${c.lake}`,
            }))
          : []),
      ],
      methods: ['TEST'],
      collected: seal.sealedAt,
      'relevant-evidence': dayEvidence
        .get(day)!
        .slice(0, 1)
        .map((id) => ({ href: `#${id}`, description: `The signed manifest of ${day} that holds the attestation.` })),
    });
  }
  if (verificationJson) {
    observations.push({
      uuid: nameUuid(input.org, input.from, input.to, 'observation', 'verification'),
      title: 'Integrity of the lake',
      description: `Verification of the range (chain, signatures, every object's SHA-256, Object Lock): ${input.verificationOk ? 'passed' : 'FAILED'}.`,
      methods: ['TEST'],
      collected: input.generatedAt,
      'relevant-evidence': [{ href: `#${verificationJson}`, description: 'verification.json' }],
    });
  }

  const checkById = new Map(input.checks.map((c) => [c.id, c]));
  const findings = input.findings.map((f) => {
    const check = checkById.get(f.check_id);
    const fw = FRAMEWORKS.find((x) => (check?.controls[x.key].length ?? 0) > 0);
    return {
      uuid: nameUuid(input.org, 'finding', f.check_id, f.finding_key, f.results_sha256),
      title: `${f.title}: ${f.finding_key}`,
      description: `${f.summary} (${f.event_count} events, ${f.first_event_time} to ${f.last_event_time}; check window ${f.window_from} to ${f.window_to}).`,
      props: [
        { name: 'check-id', ns: NS, value: f.check_id },
        { name: 'severity', ns: NS, value: f.severity },
        { name: 'finding-key', ns: NS, value: f.finding_key },
        ...(check
          ? FRAMEWORKS.flatMap((x) =>
              check.controls[x.key].map((id) => ({
                name: 'control',
                ns: NS,
                value: id,
                class: controlToken(x.key, id),
              })),
            )
          : []),
      ],
      target: {
        type: 'objective-id',
        'target-id': check && fw ? controlToken(fw.key, check.controls[fw.key][0]) : 'unmapped',
        status: { state: 'not-satisfied' },
      },
      ...(checkObservation.has(f.check_id)
        ? { 'related-observations': [{ 'observation-uuid': checkObservation.get(f.check_id)! }] }
        : {}),
    };
  });

  return {
    'assessment-results': {
      uuid: nameUuid(input.org, input.from, input.to, input.generatedAt, 'assessment-results'),
      metadata: metadata(
        `Assessment results: Genesys Cloud audit lake of ${input.org}, ${input.from} to ${input.to}`,
        input,
      ),
      'import-ap': { href: ASSESSMENT_PLAN_FILE },
      results: [
        {
          uuid: nameUuid(input.org, input.from, input.to, 'result'),
          title: `Automated assessment of ${input.from} to ${input.to}`,
          description: `Compliance checks over the sealed audit lake of ${input.org}, the daily completeness attestations and the verification of the lake's integrity.`,
          start: `${input.from}T00:00:00Z`,
          end: `${input.to}T23:59:59Z`,
          'reviewed-controls': reviewedControls(input.checks),
          ...(observations.length ? { observations } : {}),
          ...(findings.length ? { findings } : {}),
        },
      ],
      ...(resources.length ? { 'back-matter': { resources } } : {}),
    },
  };
}
