import { Secret } from '../config/secret';
import { TransientError } from '../errors';
import { CheckRun } from './runner';

export interface WebhookSummary {
  text: string;
  org: string;
  window: { from: string; to: string };
  findings: number;
  checks: Array<{
    id: string;
    title: string;
    severity: string;
    findings: number;
    controls: CheckRun['check']['controls'];
  }>;
  findingKeys: string[];
}

/** The JSON a webhook receives; `text` is what Slack (and most chat webhooks) shows. */
export function webhookSummary(org: string, runs: CheckRun[], keys: string[]): WebhookSummary {
  const firing = runs.filter((r) => r.findings.length > 0);
  const total = firing.reduce((n, r) => n + r.findings.length, 0);
  const window = runs[0]?.window ?? { from: '', to: '' };
  const lines = firing.map(
    (r) =>
      `• [${r.check.severity}] ${r.check.title}: ${r.findings.length} finding${r.findings.length === 1 ? '' : 's'} (${r.check.id})`,
  );
  return {
    text: [
      `gcaudit: ${total} finding${total === 1 ? '' : 's'} for ${org}, ${window.from} to ${window.to}`,
      ...lines,
    ].join('\n'),
    org,
    window,
    findings: total,
    checks: firing.map((r) => ({
      id: r.check.id,
      title: r.check.title,
      severity: r.check.severity,
      findings: r.findings.length,
      controls: r.check.controls,
    })),
    findingKeys: keys,
  };
}

/** POSTs the summary. The URL is a credential (Slack's are): it never appears in an error. */
export async function postWebhook(url: Secret, summary: WebhookSummary): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url.reveal(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(summary),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new TransientError(`findings webhook: request failed (${(err as Error).name})`);
  }
  await res.body?.cancel();
  if (!res.ok) throw new TransientError(`findings webhook: HTTP ${res.status}`);
}
