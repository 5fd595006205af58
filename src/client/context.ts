import { Client } from '@temporalio/client';
import { Config, loadConfig } from '../config/config';
import { withLocalSecrets } from '../config/local-defaults';
import { connectClient } from '../temporal/connection';

/** What every command that talks to Temporal needs; close() when done. */
export async function temporalContext(): Promise<{ config: Config; client: Client; close(): Promise<void> }> {
  const config = withLocalSecrets(loadConfig());
  const connection = await connectClient(config);
  return {
    config,
    client: new Client({ connection, namespace: config.temporal.namespace }),
    close: () => connection.close(),
  };
}
