import { OcsfClass } from './classes';

/** `ext/<source>/region=<region>/accountId=<account>/eventDay=<YYYYMMDD>/`: Amazon Security Lake's custom source layout. */
export function ocsfPartitionPrefix(
  cls: Pick<OcsfClass, 'source'>,
  region: string,
  accountId: string,
  day: string,
): string {
  return `ext/${cls.source}/region=${region}/accountId=${accountId}/eventDay=${day.replace(/-/g, '')}/`;
}

/**
 * One object per class, org, day and seal version: a seal's supplement holds only new events, so
 * the version's objects never overlap, and the same seal always gives the same key (a retry
 * finds its object already there and writes nothing).
 */
export function ocsfObjectKey(
  cls: Pick<OcsfClass, 'source'>,
  region: string,
  accountId: string,
  org: string,
  day: string,
  version: number,
): string {
  return `${ocsfPartitionPrefix(cls, region, accountId, day)}${org}-${day.replace(/-/g, '')}-v${String(version).padStart(4, '0')}.parquet`;
}
