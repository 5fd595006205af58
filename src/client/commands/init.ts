import { LifecycleRule } from '@aws-sdk/client-s3';
import { loadConfig } from '../../config/config';
import { lakeContext } from '../context';
import { applyRetention, BucketConfiguration } from '../../evidence/init';
import { lifecycleRules, planRetention } from '../../evidence/retention-plan';
import { EXIT } from '../output';

/** `gcaudit init`: configures the lake bucket for retention; an expiry before the lock ends is refused (exit 2). */
export async function init(opts: { dryRun?: boolean; json?: boolean }): Promise<number> {
  const config = loadConfig();
  const plan = planRetention(config);
  if (opts.dryRun) {
    const out = { plan, lifecycle: lifecycleRules(plan), applied: false };
    process.stdout.write(
      opts.json
        ? `${JSON.stringify(out)}\n`
        : `${describePlan(plan.bucket, plan.warnings, null, out.lifecycle, plan)}(dry run: nothing applied)\n`,
    );
    return EXIT.ok;
  }
  const lake = lakeContext(config);
  try {
    const applied = await applyRetention(lake.s3, plan);
    process.stdout.write(
      opts.json
        ? `${JSON.stringify({ plan, applied })}\n`
        : describePlan(plan.bucket, plan.warnings, applied, applied.lifecycle, plan),
    );
    return EXIT.ok;
  } finally {
    lake.close();
  }
}

function describeRule(r: LifecycleRule): string {
  const parts: string[] = [];
  for (const t of r.Transitions ?? []) parts.push(`to ${t.StorageClass} after ${t.Days} days`);
  if (r.Expiration?.Days) parts.push(`expire after ${r.Expiration.Days} days`);
  if (r.NoncurrentVersionExpiration?.NoncurrentDays)
    parts.push(`noncurrent versions after ${r.NoncurrentVersionExpiration.NoncurrentDays} days`);
  return `${r.ID ?? '(no id)'} on ${r.Filter?.Prefix ?? r.Prefix ?? '(all)'}: ${parts.join(', ')}`;
}

function describePlan(
  bucket: string,
  warnings: string[],
  applied: BucketConfiguration | null,
  rules: LifecycleRule[],
  plan: ReturnType<typeof planRetention>,
): string {
  const lines = [
    `lake bucket ${bucket}${applied?.created ? ' (created)' : ''}`,
    `  versioning        ${applied?.versioning ?? 'Enabled'}`,
    `  Object Lock       ${applied?.objectLock ?? 'Enabled'}; default retention ${applied ? (applied.defaultRetention ? `${applied.defaultRetention.mode} ${applied.defaultRetention.days} days` : 'none') : plan.defaultRetention ? `${plan.lockMode} ${plan.retentionDays} days` : 'none'}`,
    `  objects written   ${plan.lockMode} for ${plan.retentionDays} days (explicit on every lake object)`,
    `  lifecycle`,
    ...rules.map((r) => `    ${describeRule(r)}`),
    ...warnings.map((w) => `  note: ${w}`),
  ];
  return `${lines.join('\n')}\n`;
}
