/** A lake with a few days sealed directly through the day sealer (fast), for the evidence tests. */
import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../../src/config/config';
import { addDays } from '../../src/days';
import { sealDay } from '../../src/lake/day-sealer';
import { stagingChunkKey, stagingPrefix } from '../../src/lake/keys';
import { createSigner, ManifestSigner } from '../../src/lake/signing';
import { writeStagingChunk } from '../../src/lake/staging';
import { eventLine } from '../../src/lake/event-lines';
import { CanonicalEvent } from '../../src/model/canonical';
import { freshLake } from '../harness/env';
import { lakeEvent } from '../harness/lake';
import { lakeOf } from '../../src/s3/lake';

export interface SealedLake {
  config: Config;
  s3: S3Client;
  signer: ManifestSigner;
  org: string;
  days: string[];
}

/** Seals `count` consecutive days from `first`, day i with i + 2 events (so each day differs). */
export async function sealedLake(opts: {
  org: string;
  first: string;
  count: number;
  env?: Record<string, string>;
}): Promise<SealedLake> {
  const { config, s3 } = await freshLake({
    GCAUDIT_ORG: opts.org,
    LAKE_RETENTION_DAYS: '1',
    LAKE_LOCK_MODE: 'GOVERNANCE',
    ...opts.env,
  });
  const signer = createSigner(config.manifest.signingKey!);
  const days: string[] = [];
  for (let i = 0; i < opts.count; i++) {
    const day = addDays(opts.first, i);
    await sealEvents(
      { config, s3, signer, org: opts.org },
      day,
      Array.from({ length: i + 2 }, (_, n) => lakeEvent(`${day}-e${n}`, `${day}T0${n % 10}:15:00.000Z`)),
    );
    days.push(day);
  }
  return { config, s3, signer, org: opts.org, days };
}

export async function sealEvents(lake: Omit<SealedLake, 'days'>, day: string, events: CanonicalEvent[], run = 'run1') {
  await writeStagingChunk(lakeOf(lake.config, lake.s3), {
    key: stagingChunkKey(lake.org, day, run, 'c0'),
    lines: events.map(eventLine),
  });
  return sealDay(
    { lake: lakeOf(lake.config, lake.s3), duckdb: lake.config.duckdb, signer: lake.signer },
    {
      org: lake.org,
      day,
      stagingPrefix: stagingPrefix(lake.org, day, run),
      query: null,
      sealedAt: new Date().toISOString(),
      hmacKeyId: 'k1',
      extraAllowlist: [],
    },
  );
}
