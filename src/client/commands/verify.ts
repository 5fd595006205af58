import { readFileSync } from 'node:fs';
import { ConfigError } from '../../errors';
import { VerifyReport, verifyLake } from '../../evidence/verify';
import { cliConfig, lakeContext } from '../context';
import { parseDayRange } from '../date-range';
import { EXIT } from '../output';

export interface VerifyCommandOptions {
  from: string;
  to: string;
  publicKey?: string;
  json?: boolean;
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
  const range = parseDayRange(opts.from, opts.to);
  const pinnedKey = readPinnedKey(opts.publicKey);
  const config = cliConfig();
  const lake = lakeContext(config);
  try {
    const report = await verifyLake({
      lake: lake.lake,
      org: config.org,
      ...range,
      policy: { lockMode: lake.lake.lockPolicy.lockMode, retentionDays: lake.lake.lockPolicy.retentionDays },
      pinnedKey,
    });
    process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatVerifyReport(report));
    return report.ok ? EXIT.ok : EXIT.failure;
  } finally {
    lake.close();
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
