import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { Secret } from '../config/secret';
import { startSimulator, Simulator } from '../sim';
import { ensureLocalCredentials } from './local-credentials';

export const SANDBOX_CLIENT_ID = 'gcaudit-sandbox';

/** True when no Genesys org is configured: a local run then uses the sandbox org. */
export function needsSandbox(config: Config): boolean {
  return !config.genesys.clientId && !config.genesys.region && !config.genesys.apiBase;
}

/**
 * Starts the sandbox org (the simulator) on its local port with the data dir's client secret,
 * and returns the config pointing at it. With `s3` and LOCAL_SIM_FIREHOSE_SECONDS > 0 it also
 * delivers its EventBridge stream, like Firehose, to RAW_PREFIX in the lake bucket.
 */
export async function startSandbox(
  config: Config,
  s3?: S3Client,
): Promise<{ sim: Simulator; config: Config; streaming: boolean }> {
  const secret = ensureLocalCredentials(config.dataDir).sandboxClientSecret;
  const intervalMs = config.local.simFirehoseSeconds * 1000;
  const firehose =
    s3 && intervalMs > 0 ? { s3, bucket: config.s3.bucket, prefix: config.ingest.rawPrefix, intervalMs } : undefined;
  const sim = await startSimulator({
    port: config.local.simPort,
    clientId: SANDBOX_CLIENT_ID,
    clientSecret: secret.reveal(),
    firehose,
  });
  return {
    sim,
    streaming: firehose !== undefined,
    config: {
      ...config,
      genesys: {
        ...config.genesys,
        apiBase: sim.baseUrl,
        loginBase: sim.loginUrl,
        clientId: SANDBOX_CLIENT_ID,
        clientSecret: new Secret(sim.clientSecret),
      },
    },
  };
}
