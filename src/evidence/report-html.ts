import { addDays } from '../days';
import type { CompletenessAttestation } from '../lake/completeness';
import { html, SafeHtml, trusted } from './html';
import type { Check } from '../checks/check-file';
import type { FindingRow } from './findings-export';
import type { DayReport, VerifyReport } from './verify';
import type { AccessReview } from './access-review';
import { accessReviewSection } from './access-review-html';

export interface DaySeal {
  day: string;
  version: number;
  sequence: number;
  events: number;
  rows: number;
  objects: number;
  pages: number | null;
  requests: number | null;
  transactionIds: number | null;
  reconciliation: Record<string, unknown> | null;
  completeness: CompletenessAttestation | null;
}

export interface ReportInput {
  org: string;
  from: string;
  to: string;
  generatedAt: string;
  verification: VerifyReport;
  findings: FindingRow[];
  checks: Array<Pick<Check, 'id' | 'title' | 'severity' | 'controls'>>;
  seals: DaySeal[];
  /** Files of the package besides the report (the report cannot list its own hash). */
  files: string[];
  /** The access review of the range (role holders, changes with their explaining events). */
  accessReview?: AccessReview;
}

export type DayState = 'ok' | 'problem' | 'unsealed';

export function dayState(d: DayReport, problemDays: Set<string>): DayState {
  if (!d.sealed) return 'unsealed';
  return problemDays.has(d.day) ? 'problem' : 'ok';
}

const FRAMEWORKS: Array<[keyof Check['controls'], string]> = [
  ['SOC2', 'SOC 2'],
  ['PCI_DSS_4', 'PCI DSS 4.0'],
  ['HIPAA', 'HIPAA'],
];

/** Findings per control of every framework, with the checks that test it (a control with no findings is listed too). */
export function findingsPerControl(
  input: Pick<ReportInput, 'checks' | 'findings'>,
): Array<{ framework: string; control: string; checks: string[]; findings: number }> {
  const perCheck = new Map<string, number>();
  for (const f of input.findings) perCheck.set(f.check_id, (perCheck.get(f.check_id) ?? 0) + 1);
  const rows = new Map<string, { framework: string; control: string; checks: string[]; findings: number }>();
  for (const c of input.checks) {
    for (const [fw, label] of FRAMEWORKS) {
      for (const control of c.controls[fw]) {
        const id = `${label}\u0000${control}`;
        const row = rows.get(id) ?? { framework: label, control, checks: [], findings: 0 };
        row.checks.push(c.id);
        row.findings += perCheck.get(c.id) ?? 0;
        rows.set(id, row);
      }
    }
  }
  return [...rows.values()].sort(
    (a, b) => a.framework.localeCompare(b.framework) || a.control.localeCompare(b.control, 'en', { numeric: true }),
  );
}

/** One row per sealed day: the attestation of the day's latest seal. */
function completenessTable(seals: DaySeal[]): SafeHtml {
  const last = new Map<string, DaySeal>();
  for (const s of [...seals].sort((a, b) => a.version - b.version)) last.set(s.day, s);
  const rows = [...last.values()]
    .sort((a, b) => a.day.localeCompare(b.day))
    .map((s) => {
      const a = s.completeness;
      if (!a)
        return html`<tr data-day="${s.day}"><td>${s.day}</td><td>v${s.version}</td><td colspan="7">not attested (sealed before attestations existed)</td></tr>`;
      const opt = (n: number | null | undefined) => (n === null || n === undefined ? '-' : num(n));
      const verdict = a.verdict === 'complete' ? 'complete' : `incomplete: ${a.reasons.join('; ')}`;
      return html`<tr data-day="${s.day}" class="${a.verdict}"><td>${s.day}</td><td>v${s.version}</td><td class="n">${num(a.totals.api)}</td><td class="n">${opt(a.totals.stream)}</td><td class="n">${num(a.totals.lake)}</td><td class="n">${num(a.missingFromLake.count)}</td><td class="n">${opt(a.missingFromStream?.count)} / ${opt(a.missingFromApi?.count)}</td><td class="n">${a.rehydrations ? `${a.rehydrations.rehydrated} / ${a.rehydrations.unresolved} / ${a.rehydrations.pending}` : '-'}</td><td class="verdict-cell">${verdict}</td></tr>`;
    });
  return html`<table id="completeness-days"><thead><tr><th>Day</th><th>Seal</th><th>API</th><th>Stream</th><th>Lake</th><th>Missing from lake</th><th>Missing from stream / API</th><th>Rehydrated / unresolved / pending</th><th>Verdict</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

const num = (n: number) => n.toLocaleString('en-US');

/**
 * The auditor's report: one self-contained HTML file (inline CSS and SVG, no script, no external
 * asset), readable offline and printable to PDF. Every value goes through the `html` tag, which
 * escapes it.
 */
export function renderReport(input: ReportInput): string {
  const v = input.verification;
  const problemDays = new Set(v.problems.filter((p) => p.day).map((p) => p.day!));
  const states = new Map(v.days.map((d) => [d.day, dayState(d, problemDays)]));
  const findingsTotal = input.findings.length;
  const controls = findingsPerControl(input);
  const title = `Audit evidence: ${input.org}, ${input.from} to ${input.to}`;
  return html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${trusted(CSS)}</style></head>
<body>
<header>
  <h1>${title}</h1>
  <p class="meta">Genesys Cloud audit lake, bucket <code>${v.bucket}</code>. Generated ${input.generatedAt} by gcaudit.</p>
  <p id="verdict" class="verdict ${v.ok ? 'ok' : 'failed'}">Verification: ${v.ok ? 'PASSED' : `FAILED (${v.problems.length} problems)`}</p>
</header>
<section class="cards">
  ${card('Days sealed', `${v.summary.sealedDays} / ${v.summary.days}`, 'sealed-days')}
  ${card('Audit events', num(v.summary.events), 'events-total')}
  ${card('Objects verified', `${v.summary.objectsOk} / ${v.summary.objects}`, 'objects-verified')}
  ${card('Findings', num(findingsTotal), 'findings-total')}
</section>

<section id="coverage"><h2>Coverage</h2>
<p>Each UTC day of the range: <span class="key ok"></span> sealed and verified, <span class="key problem"></span> sealed with a verification problem, <span class="key unsealed"></span> not sealed.</p>
${calendar(input.from, input.to, states, new Map(v.days.map((d) => [d.day, d])))}
</section>

<section id="events-per-day"><h2>Events per day</h2>
${eventsChart(v.days)}
</section>

<section id="findings"><h2>Findings per control</h2>
<p>${num(findingsTotal)} findings from ${input.checks.length} checks. Every control a check tests is listed, with or without findings; the full list is in <code>findings.csv</code>.</p>
<table id="controls"><thead><tr><th>Framework</th><th>Control</th><th>Findings</th><th>Checks</th></tr></thead><tbody>
${controls.map((c) => html`<tr data-control="${`${c.framework} ${c.control}`}"><td>${c.framework}</td><td>${c.control}</td><td class="n${c.findings ? ' hot' : ''}">${c.findings}</td><td>${c.checks.join(', ')}</td></tr>`)}
</tbody></table>
${findingsTable(input.findings)}
</section>

${input.accessReview ? accessReviewSection(input.accessReview) : ''}
<section id="reconciliation"><h2>Reconciliation</h2>
<p>Per seal: the events and rows the manifest states, the parts written, and how the day was obtained from the Genesys audit query API (pages and requests). A day sealed again with late events has a supplement (version 2 and later).</p>
<table><thead><tr><th>Day</th><th>Seal</th><th>Chain #</th><th>Events (day)</th><th>Rows (day)</th><th>Parts</th><th>API pages</th><th>API requests</th><th>Query transactions</th><th>Other sources</th></tr></thead><tbody>
${input.seals.map((s) => html`<tr><td>${s.day}</td><td>v${s.version}</td><td>${s.sequence}</td><td class="n">${num(s.events)}</td><td class="n">${num(s.rows)}</td><td class="n">${s.objects}</td><td class="n">${s.pages ?? '-'}</td><td class="n">${s.requests ?? '-'}</td><td class="n">${s.transactionIds ?? '-'}</td><td>${s.reconciliation ? flatPairs(s.reconciliation) : 'audit query API only'}</td></tr>`)}
</tbody></table>
</section>

<section id="completeness"><h2>Completeness</h2>
<p>Per sealed day, the signed completeness attestation of its latest seal: the events the Genesys audit query API returned, the events the EventBridge stream delivered and the events the sealed lake holds, the events missing from either source, the stream's rehydrations, and the verdict.</p>
${completenessTable(input.seals)}
</section>

<section id="verification"><h2>Verification</h2>
<p>${v.ok ? 'Every day of the range is sealed; every object its manifests list is the version sealed, hashes as recorded and is under Object Lock as the policy requires; the manifest chain is unbroken and every signature verifies; no object was added.' : 'The lake does not verify. Problems:'}</p>
${v.problems.length ? html`<ul id="problems">${v.problems.map((p) => html`<li>${p.message}</li>`)}</ul>` : ''}
${v.warnings.length ? html`<p>Warnings:</p><ul id="warnings">${v.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
<table class="kv">
<tr><th>Verified at</th><td>${v.verifiedAt}</td></tr>
<tr><th>Manifest chain</th><td>${v.chain.entries} entries${v.chain.lastSequence ? html`, sequence ${v.chain.firstSequence} to ${v.chain.lastSequence}` : ''}; head SHA-256 <code>${v.chain.headSha256 ?? '-'}</code></td></tr>
<tr><th>Signature key</th><td>${v.publicKey.source === 'pinned' ? 'pinned' : 'stored in the lake'}: <code>${v.publicKey.keyIds.join(', ')}</code>. ${v.publicKey.note}</td></tr>
<tr><th>Object Lock policy</th><td>${v.policy.lockMode}, ${v.policy.retentionDays} days</td></tr>
<tr><th>Chain breaks</th><td>${v.chainBreaks.length}</td></tr>
<tr><th>Signature failures</th><td>${v.signatureFailures.length}</td></tr>
<tr><th>Objects added</th><td>${v.added.length}</td></tr>
</table>
</section>

<section id="methodology"><h2>Methodology</h2>
<ol>
<li><b>Collection.</b> Each UTC day is collected from the Genesys Cloud audit query API (<code>POST /api/v2/audits/query</code>, every service, paged with its cursor) by a durable Temporal workflow, with the OAuth client holding only <code>audits:audit:view</code>. Personal data is masked before anything is stored: e-mail addresses keep only their domain, phone numbers become a keyed HMAC.</li>
<li><b>Sealing.</b> The day's events are written as Parquet parts under S3 Object Lock (${v.policy.lockMode} mode, ${v.policy.retentionDays} days) with server-side encryption, create-only. A manifest lists every part with its version, SHA-256, row and event counts and the query that produced it; it is signed (Ed25519) and chained to the previous manifest by hash, as AWS CloudTrail digest files are. Late events become a supplement with a new signed version; nothing is overwritten.</li>
<li><b>Verification.</b> For this report the whole chain was walked (each signature, each hash link), and for every day of the range every listed object was read back: it must be the version sealed (a newer version or a delete marker on its key is reported), hash to the recorded SHA-256, and carry Object Lock retention of the required mode and length. Objects in the partitions or manifest folders that no manifest lists are reported as added.</li>
<li><b>Checks.</b> Compliance checks (SQL over the lake, mapped to SOC 2, PCI DSS 4.0 and HIPAA controls) store their findings in the lake, locked like the events. This report lists the findings whose check window starts in the range; a check run without findings stores nothing.</li>
<li><b>This package.</b> Every file is listed with its SHA-256 in <code>index.json</code>, signed with the manifest signing key (<code>index.json.sig</code>); <code>VERIFY.txt</code> says how to check it with standard tools.</li>
</ol>
<p>Package files: ${input.files.map((f, i) => html`${i ? ', ' : ''}<code>${f}</code>`)}.</p>
</section>
<footer>gcaudit evidence report, org ${input.org}, ${input.from} to ${input.to}.</footer>
</body></html>
`.markup;
}

function card(label: string, value: string, id: string): SafeHtml {
  return html`<div class="card"><div class="label">${label}</div><div class="value" id="${id}">${value}</div></div>`;
}

function flatPairs(obj: Record<string, unknown>, prefix = ''): string {
  return Object.entries(obj)
    .map(([k, val]) =>
      val && typeof val === 'object' && !Array.isArray(val)
        ? flatPairs(val as Record<string, unknown>, `${prefix}${k}.`)
        : `${prefix}${k}: ${Array.isArray(val) ? val.length : String(val)}`,
    )
    .join('; ');
}

/** Month grids, Monday first, one cell per day of the range. */
function calendar(from: string, to: string, states: Map<string, DayState>, days: Map<string, DayReport>): SafeHtml {
  const months: SafeHtml[] = [];
  let month = from.slice(0, 7);
  while (month <= to.slice(0, 7)) {
    const first = `${month}-01`;
    const cells: SafeHtml[] = [];
    const lead = (new Date(`${first}T00:00:00Z`).getUTCDay() + 6) % 7;
    for (let i = 0; i < lead; i++) cells.push(html`<div class="cell blank"></div>`);
    for (let d = first; d.startsWith(month); d = addDays(d, 1)) {
      const state = d >= from && d <= to ? states.get(d) : undefined;
      const rep = days.get(d);
      const tip = state
        ? `${d}: ${state === 'ok' ? 'sealed, verified' : state === 'problem' ? 'sealed, verification problem' : 'not sealed'}${rep?.sealed ? `, ${rep.events} events, seal v${rep.versions.join('+v')}` : ''}`
        : d;
      cells.push(
        html`<div class="cell ${state ?? 'outside'}"${state ? html` data-day="${d}" data-state="${state}"` : ''} title="${tip}">${Number(d.slice(8))}</div>`,
      );
    }
    const label = new Date(`${first}T00:00:00Z`).toLocaleString('en-US', {
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
    months.push(
      html`<div class="month"><div class="mname">${label}</div><div class="grid">${['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'].map((w) => html`<div class="wd">${w}</div>`)}${cells}</div></div>`,
    );
    month = addDays(`${month}-01`, 32).slice(0, 7);
  }
  return html`<div class="calendar">${months}</div>`;
}

/** Bars per day, inline SVG (scales with the page, prints crisply). */
function eventsChart(days: DayReport[]): SafeHtml {
  const w = 900;
  const h = 240;
  const padL = 56;
  const padB = 36;
  const max = Math.max(1, ...days.map((d) => d.events));
  const step = (w - padL - 8) / Math.max(1, days.length);
  const bar = Math.min(48, Math.max(1, step * 0.8));
  const y = (n: number) => h - padB - (n / max) * (h - padB - 12);
  const ticks = [0, max / 2, max].map((t) => Math.round(t));
  const labelEvery = Math.max(1, Math.ceil(days.length / 15));
  const bars = days.map((d, i) => {
    const x = padL + i * step + (step - bar) / 2;
    const label =
      i % labelEvery === 0
        ? html`<text x="${(x + bar / 2).toFixed(1)}" y="${h - padB + 14}" class="xl">${d.day.slice(5)}</text>`
        : '';
    return html`<rect class="bar${d.sealed ? '' : ' unsealed'}" data-day="${d.day}" data-events="${d.events}" x="${x.toFixed(1)}" y="${y(d.events).toFixed(1)}" width="${bar.toFixed(1)}" height="${(h - padB - y(d.events)).toFixed(1)}"><title>${d.day}: ${d.events} events</title></rect>${label}`;
  });
  const grid = ticks.map(
    (t) =>
      html`<line x1="${padL}" x2="${w - 4}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" class="gl"/><text x="${padL - 6}" y="${(y(t) + 4).toFixed(1)}" class="yl">${num(t)}</text>`,
  );
  return html`<svg id="events-chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="Audit events per day">${grid}${bars}<text x="${w / 2}" y="${h - 4}" class="axis">UTC day (events per sealed day, all seal versions)</text></svg>`;
}

function findingsTable(findings: FindingRow[]): SafeHtml {
  if (findings.length === 0)
    return html`<p id="no-findings">No findings are stored for check windows in this range.</p>`;
  const shown = findings.slice(0, 500);
  return html`<h3>Findings</h3><table id="findings-table"><thead><tr><th>Severity</th><th>Check</th><th>First event (UTC)</th><th>User</th><th>Events</th><th>Summary</th></tr></thead><tbody>
${shown.map((f) => html`<tr class="sev-${f.severity}"><td>${f.severity}</td><td>${f.check_id}</td><td>${f.first_event_time}</td><td><code>${f.user_id}</code></td><td class="n">${f.event_count}</td><td>${f.summary}</td></tr>`)}
</tbody></table>${findings.length > shown.length ? html`<p>${findings.length - shown.length} more in findings.csv.</p>` : ''}`;
}

export function coverageRows(v: VerifyReport): Array<Record<string, string | number>> {
  const problemDays = new Set(v.problems.filter((p) => p.day).map((p) => p.day!));
  return v.days.map((d) => ({
    day: d.day,
    state: dayState(d, problemDays),
    seal_versions: d.versions.join(' '),
    events: d.events,
    rows: d.rows,
    objects: d.objects.length,
    objects_ok: d.objects.filter((o) => o.status === 'ok').length,
  }));
}

const CSS = `
:root{--ok:#1a7f37;--bad:#cf222e;--none:#d0d7de;--ink:#1f2328;--muted:#59636e}
*{box-sizing:border-box}body{font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--ink);margin:0 auto;max-width:1000px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:32px}h3{font-size:15px}
.meta{color:var(--muted);margin:0}.verdict{display:inline-block;font-weight:600;padding:4px 12px;border-radius:6px;color:#fff}
.verdict.ok{background:var(--ok)}.verdict.failed{background:var(--bad)}
tr.incomplete td.verdict-cell{color:var(--bad);font-weight:600}
.cards{display:flex;gap:12px;margin-top:16px}.card{flex:1;border:1px solid #d0d7de;border-radius:8px;padding:10px 14px}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase}.card .value{font-size:22px;font-weight:600}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border-bottom:1px solid #eaeef2;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}td.hot{color:var(--bad);font-weight:600}
table.kv th{width:180px}#controls td:nth-child(-n+2){white-space:nowrap}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
.calendar{display:flex;flex-wrap:wrap;gap:16px}.month{width:230px}.mname{font-weight:600;margin-bottom:4px}
.grid{display:grid;grid-template-columns:repeat(7,1fr);gap:3px}.wd{font-size:11px;color:var(--muted);text-align:center}
.cell{font-size:11px;text-align:center;border-radius:4px;padding:4px 0;color:#fff}.cell.blank,.cell.outside{background:#f6f8fa;color:#8c959f}
.cell.ok{background:var(--ok)}.cell.problem{background:var(--bad)}.cell.unsealed{background:var(--none);color:var(--ink)}
.key{display:inline-block;width:12px;height:12px;border-radius:3px;vertical-align:middle}.key.ok{background:var(--ok)}.key.problem{background:var(--bad)}.key.unsealed{background:var(--none)}
svg{width:100%;height:auto}.bar{fill:#0969da}.bar.unsealed{fill:var(--none)}.gl{stroke:#eaeef2}.yl{font-size:11px;text-anchor:end;fill:var(--muted)}
.xl{font-size:10px;text-anchor:middle;fill:var(--muted)}.axis{font-size:11px;text-anchor:middle;fill:var(--muted)}
tr.sev-critical td:first-child,tr.sev-high td:first-child{color:var(--bad);font-weight:600}
footer{margin-top:32px;color:var(--muted);font-size:12px}
@media print{body{max-width:none;padding:0}section{break-inside:avoid-page}.cards{break-inside:avoid}}
`;
