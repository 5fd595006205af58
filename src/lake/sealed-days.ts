import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { Lake } from '../s3/lake';
import { daysBetween } from '../days';
import { dayPointersRoot } from './keys';

/** Days that have at least one sealed manifest, from the day pointers' folder names (one listing). */
export async function sealedDays(lake: Lake, org: string): Promise<Set<string>> {
  const { s3, bucket } = lake;
  const prefix = dayPointersRoot(org);
  const days = new Set<string>();
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix, Delimiter: '/' })) {
    for (const p of page.CommonPrefixes ?? []) {
      const day = p.Prefix?.slice(prefix.length, -1);
      if (day) days.add(day);
    }
  }
  return days;
}

/** Contiguous ranges of unsealed days in [from, to]. */
export function gaps(sealed: Set<string>, from: string, to: string): Array<{ from: string; to: string }> {
  const ranges: Array<{ from: string; to: string }> = [];
  for (const day of daysBetween(from, to)) {
    if (sealed.has(day)) continue;
    const last = ranges.at(-1);
    if (last && daysBetween(last.to, day).length === 2) last.to = day;
    else ranges.push({ from: day, to: day });
  }
  return ranges;
}
