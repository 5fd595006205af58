import * as path from 'node:path';
import { ConfigError } from '../../errors';
import { exportEvidence } from '../../evidence/export';
import { createSigner } from '../../lake/signing';
import { createQueryEngine } from '../../query/create-engine';
import { cliConfig, lakeContext } from '../context';
import { parseDayRange } from '../date-range';
import { EXIT } from '../output';
import { readPinnedKey } from './verify';

export interface EvidenceExportOptions {
  from: string;
  to: string;
  out: string;
  publicKey?: string;
  json?: boolean;
}

/** `gcaudit evidence export`: exit 0 when the package is written and the lake verifies, 1 when it is written but verification failed. */
export async function evidenceExport(opts: EvidenceExportOptions): Promise<number> {
  const range = parseDayRange(opts.from, opts.to);
  const pinnedKey = readPinnedKey(opts.publicKey);
  const config = cliConfig();
  if (!config.manifest.signingKey)
    throw new ConfigError('MANIFEST_SIGNING_KEY: required to sign the evidence package index');
  const signer = createSigner(config.manifest.signingKey);
  const lake = lakeContext(config);
  const { s3 } = lake;
  // Findings are read with DuckDB over the lake on either deployment (the SQL is DuckDB's).
  const engine = createQueryEngine(config, s3, 'duckdb');
  try {
    const result = await exportEvidence({
      lake: lake.lake,
      org: config.org,
      ...range,
      outDir: path.resolve(opts.out),
      policy: { lockMode: lake.lake.lockPolicy.lockMode, retentionDays: lake.lake.lockPolicy.retentionDays },
      engine,
      signer,
      pinnedKey,
    });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      process.stdout.write(
        [
          `evidence package for ${config.org} ${range.from}..${range.to} written to ${result.outDir}`,
          `  report        ${path.join(result.outDir, 'report.html')}`,
          `  days          ${result.sealedDays} of ${result.days} sealed`,
          `  findings      ${result.findings}`,
          `  verification  ${result.verificationOk ? 'PASSED' : `FAILED (${result.problems} problems; see the report)`}`,
          `  index         ${result.index.sha256Files} files, signed with key ${result.index.keyId} (index.json.sig; VERIFY.txt says how to check)`,
        ].join('\n') + '\n',
      );
    }
    return result.verificationOk ? EXIT.ok : EXIT.failure;
  } finally {
    await engine.close();
    lake.close();
  }
}
