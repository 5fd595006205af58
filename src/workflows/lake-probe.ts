import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../errors';

const { writeLakeProbe } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

/** Writes and reads back one locked object: the smallest end-to-end proof that the stack works. */
export async function lakeProbeWorkflow(probeId: string) {
  return writeLakeProbe(probeId);
}
