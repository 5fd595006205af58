/** Sealed days with realistic events (property changes, extra fields) and stored findings, for the delivery tests. */
import { S3Client } from '@aws-sdk/client-s3';
import { storeFindings } from '../../src/checks/findings-store';
import { loadChecks } from '../../src/checks/check-file';
import { Config } from '../../src/config/config';
import { sealDay } from '../../src/lake/day-sealer';
import { eventLine } from '../../src/lake/event-lines';
import { stagingChunkKey, stagingPrefix } from '../../src/lake/keys';
import { createSigner } from '../../src/lake/signing';
import { writeStagingChunk } from '../../src/lake/staging';
import { CanonicalEvent } from '../../src/model/canonical';
import { freshLake } from '../harness/env';
import { lakeEvent } from '../harness/lake';
import { lakeOf } from '../../src/s3/lake';

export interface DeliveryLake {
  config: Config;
  s3: S3Client;
  org: string;
}

/** Event n of a day: every third without property changes, the others with 1-3 changes; some with extra fields. */
export function dayEvents(day: string, count: number): CanonicalEvent[] {
  return Array.from({ length: count }, (_, n) => {
    const ms = Math.floor((n * 86_399_000) / Math.max(1, count));
    const time = new Date(Date.parse(`${day}T00:00:00.000Z`) + ms).toISOString();
    const changes = n % 3 === 0 ? 0 : (n % 3) + (n % 5 === 0 ? 1 : 0);
    return lakeEvent(`${day}-ev-${String(n).padStart(6, '0')}`, time, {
      action: n % 2 ? 'Update' : 'Create',
      userId: `user-${n % 17}`,
      propertyChanges: Array.from({ length: changes }, (_, i) => ({
        property: `p${i}`,
        oldValues: [`old ${n}.${i}`],
        newValues: i === 1 ? ['a', 'b'] : [`new "${n}"`],
      })),
      extra: n % 4 === 0 ? { context: { note: `ctx ${n}` }, message: { localizableMessageCode: 'X' } } : {},
    });
  });
}

export async function deliveryLake(org: string, env: Record<string, string> = {}): Promise<DeliveryLake> {
  const { config, s3 } = await freshLake({
    GCAUDIT_ORG: org,
    LAKE_RETENTION_DAYS: '1',
    LAKE_LOCK_MODE: 'GOVERNANCE',
    ...env,
  });
  return { config, s3, org };
}

/** Stages the events in chunks of 500 and seals the day through the real sealer. */
export async function sealDayWith(lake: DeliveryLake, day: string, events: CanonicalEvent[], run = 'run1') {
  for (let i = 0; i * 500 < Math.max(events.length, 1); i++) {
    await writeStagingChunk(lakeOf(lake.config, lake.s3), {
      key: stagingChunkKey(lake.org, day, run, `c${String(i).padStart(4, '0')}`),
      lines: events.slice(i * 500, (i + 1) * 500).map(eventLine),
    });
  }
  return sealDay(
    {
      lake: lakeOf(lake.config, lake.s3),
      duckdb: lake.config.duckdb,
      signer: createSigner(lake.config.manifest.signingKey!),
    },
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

/** Stores `count` findings of a real check (its title, severity and controls) for the day. */
export async function storeDayFindings(lake: DeliveryLake, day: string, count: number, checkIndex = 0) {
  const check = loadChecks()[checkIndex];
  const window = {
    from: `${day}T00:00:00.000Z`,
    to: new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString(),
  };
  const findings = Array.from({ length: count }, (_, i) => ({
    checkId: check.id,
    title: check.title,
    severity: check.severity,
    controls: check.controls,
    key: `user-${i}`,
    userId: `user-${i}`,
    eventIds: [`${day}-ev-${String(i).padStart(6, '0')}`],
    firstEventTime: `${day}T0${i % 10}:00:00.000Z`,
    lastEventTime: `${day}T0${i % 10}:30:00.000Z`,
    summary: `finding ${i} of ${check.id}`,
    window,
  }));
  const stored = await storeFindings(
    { lake: lakeOf(lake.config, lake.s3), duckdb: lake.config.duckdb },
    lake.org,
    { check, window, params: {}, findings, stats: { engine: 'duckdb', bytesScanned: 0, filesRead: 1, ms: 1 } },
    new Date().toISOString(),
  );
  return { check, key: stored!.key };
}
