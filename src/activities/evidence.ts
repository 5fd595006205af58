import { Context } from '@temporalio/activity';
import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { exportEvidence, ExportResult } from '../evidence/export';
import { verifyLake } from '../evidence/verify';
import { ManifestSigner } from '../lake/signing';
import { createQueryEngine } from '../query/create-engine';
import { lakeOf } from '../s3/lake';

/** What a workflow keeps of a verification: counts and the first problems, never the full report. */
export interface VerifySummary {
  ok: boolean;
  days: number;
  sealedDays: number;
  objects: number;
  objectsOk: number;
  problems: number;
  firstProblems: string[];
}

export function createEvidenceActivities(deps: { config: Config; s3: S3Client; signer: ManifestSigner }) {
  const lake = lakeOf(deps.config, deps.s3);
  const policy = { lockMode: lake.lockPolicy.lockMode, retentionDays: lake.lockPolicy.retentionDays };
  return {
    async verifyRange(input: { org: string; from: string; to: string }): Promise<VerifySummary> {
      const beat = setInterval(() => Context.current().heartbeat(), 5_000);
      try {
        const r = await verifyLake({
          lake,
          org: input.org,
          from: input.from,
          to: input.to,
          policy,
        });
        return {
          ok: r.ok,
          ...r.summary,
          problems: r.problems.length,
          firstProblems: r.problems.slice(0, 10).map((p) => p.message),
        };
      } finally {
        clearInterval(beat);
      }
    },

    /** Writes the evidence package to a directory of the worker's machine (a shared volume in production). */
    async exportEvidencePackage(input: {
      org: string;
      from: string;
      to: string;
      outDir: string;
    }): Promise<Omit<ExportResult, 'files'> & { files: number }> {
      const engine = createQueryEngine(deps.config, deps.s3, 'duckdb', input.org, deps.config.duckdb);
      const beat = setInterval(() => Context.current().heartbeat(), 5_000);
      try {
        const r = await exportEvidence({
          lake,
          org: input.org,
          from: input.from,
          to: input.to,
          outDir: input.outDir,
          policy,
          engine,
          signer: deps.signer,
        });
        return { ...r, files: r.files.length };
      } finally {
        clearInterval(beat);
        await engine.close();
      }
    },
  };
}
