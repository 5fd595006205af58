import { readFileSync } from 'node:fs';
import { loadConfig } from '../../config/config';
import { withLocalSecrets } from '../../config/local-defaults';
import { isValidDay } from '../../days';
import { ConfigError } from '../../errors';
import { VerifyReport, verifyLake } from '../../evidence/verify';
import { createS3Client } from '../../s3/client';
import { EXIT } from '../output';

export interface VerifyCommandOptions {
  from: string;
  to: string;
  publicKey?: string;
  json?: boolean;
}

/** --from/--to as whole UTC days, from <= to; a bad range is a usage error (exit 2). */
export function dayRange(from: string, to: string): { from: string; to: string } {
  const problems: string[] = [];
  if (!isValidDay(from)) problems.push(`--from: expected a date YYYY-MM-DD, got "${from}"`);
  if (!isValidDay(to)) problems.push(`--to: expected a date YYYY-MM-DD, got "${to}"`);
  if (problems.length === 0 && from > to) problems.push(`--from ${from} is after --to ${to}`);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return { from, to };
}

export function readPinnedKey(file: string | undefined): { pem: string; file: string } | undefined {
  if (!file) return undefined;
  try {
    return { pem: readFileSync(file, 'utf8'), file };
  } catch (err) {
    throw new ConfigError(`--public-key: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** `gcaudit verify`: exit 0 when the range verifies, 1 when anything is modified, missing, added or broken. */
export async function verify(opts: VerifyCommandOptions): Promise<number> {
  const range = dayRange(opts.from, opts.to);
  const pinnedKey = readPinnedKey(opts.publicKey);
  const config = withLocalSecrets(loadConfig());
  const s3 = createS3Client(config);
  try {
    const report = await verifyLake({
      s3,
      bucket: config.s3.bucket,
      org: config.org,
      ...range,
      policy: { lockMode: config.lake.lockMode, retentionDays: config.lake.retentionDays },
      pinnedKey,
    });
    process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatVerifyReport(report));
    return report.ok ? EXIT.ok : EXIT.failure;
  } finally {
    s3.destroy();
  }
}

export function formatVerifyReport(r: VerifyReport): string {
  const s = r.summary;
  const statusCounts = new Map<string, number>();
  for (const o of r.days.flatMap((d) => d.objects)) statusCounts.set(o.status, (statusCounts.get(o.status) ?? 0) + 1);
  const lines = [
    `verify ${r.org} ${r.from}..${r.to} in bucket ${r.bucket}`,
    `  chain      ${r.chain.entries} entries${r.chain.lastSequence ? ` (${r.chain.firstSequence}..${r.chain.lastSequence}), head sha256 ${r.chain.headSha256?.slice(0, 16)}…` : ''}`,
    `  key        ${r.publicKey.source === 'pinned' ? `pinned ${r.publicKey.keyIds.join(', ')} from ${r.publicKey.file}` : `stored in the lake: ${r.publicKey.keyIds.join(', ') || 'none'}`}`,
    `  days       ${s.sealedDays} of ${s.days} sealed, ${s.events} events`,
    `  objects    ${s.objects} checked: ${[...statusCounts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}`,
    `  policy     Object Lock ${r.policy.lockMode}, ${plural(r.policy.retentionDays, 'day')}`,
  ];
  if (r.publicKey.source === 'lake') lines.push(`  note       ${r.publicKey.note}`);
  for (const w of r.warnings) lines.push(`  warning    ${w}`);
  if (r.problems.length > 0) {
    lines.push('', `PROBLEMS (${r.problems.length})`);
    for (const p of r.problems) lines.push(`  ${p.message}`);
  }
  lines.push('', r.ok ? 'RESULT: OK' : `RESULT: FAILED (${plural(r.problems.length, 'problem')})`);
  return `${lines.join('\n')}\n`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
