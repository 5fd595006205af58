import { Config } from '../config/config';
import { Secret } from '../config/secret';
import { startSimulator, Simulator } from '../sim';
import { localCredentials } from './local-credentials';

export const SANDBOX_CLIENT_ID = 'gcaudit-sandbox';

/** True when no Genesys org is configured: a local run then uses the sandbox org. */
export function needsSandbox(config: Config): boolean {
  return !config.genesys.clientId && !config.genesys.region && !config.genesys.apiBase;
}

/**
 * Starts the sandbox org (the simulator) on its local port with the data dir's client secret,
 * and returns the config pointing at it.
 */
export async function startSandbox(config: Config): Promise<{ sim: Simulator; config: Config }> {
  const secret = localCredentials(config.dataDir)!.sandboxClientSecret;
  const sim = await startSimulator({ port: config.local.simPort, clientId: SANDBOX_CLIENT_ID, clientSecret: secret.reveal() });
  return {
    sim,
    config: {
      ...config,
      genesys: { ...config.genesys, apiBase: sim.baseUrl, loginBase: sim.loginUrl, clientId: SANDBOX_CLIENT_ID, clientSecret: new Secret(sim.clientSecret) },
    },
  };
}
