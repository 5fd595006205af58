import { Client } from '@temporalio/client';
import { S3Client } from '@aws-sdk/client-s3';
import { Config, loadConfig } from '../config/config';
import { withLocalSecrets } from '../config/local-defaults';
import { createS3Client, resolveS3Endpoint } from '../s3/client';
import { Lake, lakeOf } from '../s3/lake';
import { connectClient, temporalAddress } from '../temporal/connection';
import { reportUnreachableS3, ServiceUnreachableError } from './unreachable';

/**
 * The configuration a command runs with (local secrets filled in on a local run). A bad setting
 * is a ConfigError (exit 2); commands load it, and check their arguments, before they connect.
 */
export function cliConfig(): Config {
  return withLocalSecrets(loadConfig());
}

export interface TemporalContext {
  config: Config;
  client: Client;
  close(): Promise<void>;
}

/** What every command that talks to Temporal needs; close() when done. An unreachable server is one line naming its address. */
export async function temporalContext(config: Config): Promise<TemporalContext> {
  let connection;
  try {
    connection = await connectClient(config);
  } catch (err) {
    const reason = (err as Error).message?.split('\n')[0] || 'no answer';
    throw new ServiceUnreachableError('Temporal', temporalAddress(config), 'TEMPORAL_ADDRESS', reason, { cause: err });
  }
  return {
    config,
    client: new Client({ connection, namespace: config.temporal.namespace }),
    close: () => connection.close(),
  };
}

export interface LakeContext {
  config: Config;
  s3: S3Client;
  /** The lake as the code below the CLI takes it (lakeOf: client, bucket, lock policy). */
  lake: Lake;
  close(): void;
}

/** What every command that reads or writes the lake needs; an unreachable S3 is one line naming its endpoint. */
export function lakeContext(config: Config): LakeContext {
  const endpoint = resolveS3Endpoint(config) ?? `https://s3.${config.s3.region}.amazonaws.com`;
  const s3 = reportUnreachableS3(createS3Client(config), endpoint);
  return { config, s3, lake: lakeOf(config, s3), close: () => s3.destroy() };
}
