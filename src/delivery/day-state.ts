import type { Lake } from '../s3/lake';
import { listKeys } from '../s3/list-objects';
import { readReceipts } from './ledger';
import { deliveryDayPrefix } from './ledger-keys';
import { planDay } from './plan';

export interface DayDeliveryState {
  day: string;
  state: 'delivered' | 'partial' | 'not delivered' | 'not sealed';
  /** Events and findings the receipts hold. */
  events: number;
  findings: number;
  resends: number;
  pendingParts: number;
  lastReceiptAt: string | null;
}

/** A day's delivery as the lake records it: receipts, and parts no receipt covers yet. */
export async function dayDeliveryState(lake: Lake, org: string, sink: string, day: string): Promise<DayDeliveryState> {
  const plan = await planDay(lake, org, sink, day);
  const base = {
    day,
    events: 0,
    findings: 0,
    resends: 0,
    pendingParts: plan.pending.length,
    lastReceiptAt: null as string | null,
  };
  if (!plan.sealed) return { ...base, state: 'not sealed' };
  const receipts = await readReceipts(lake, org, sink, day);
  for (const { receipt } of receipts) {
    base.events += receipt.totals.events;
    base.findings += receipt.totals.findings;
    base.resends += receipt.totals.resends;
    base.lastReceiptAt = receipt.completedAt;
  }
  if (plan.pending.length === 0) return { ...base, state: 'delivered' };
  const started =
    receipts.length > 0 || (await listKeys(lake.s3, lake.bucket, deliveryDayPrefix(org, sink, day))).length > 0;
  return { ...base, state: started ? 'partial' : 'not delivered' };
}
