import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { RETRY } from './retry-policies';

const { writeLakeProbe } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: RETRY.probe,
});

/** Writes and reads back one locked object: the smallest end-to-end proof that the stack works. */
export async function lakeProbeWorkflow(probeId: string) {
  return writeLakeProbe(probeId);
}
