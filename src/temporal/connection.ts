import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { Config } from '../config/config';

/** The Temporal frontend for this config: an explicit address or the embedded dev server. */
export function temporalAddress(config: Config): string {
  return config.temporal.address ?? `127.0.0.1:${config.local.temporalPort}`;
}

function connectionOptions(config: Config) {
  return {
    address: temporalAddress(config),
    tls: config.temporal.tls || undefined,
    apiKey: config.temporal.apiKey?.reveal(),
  };
}

export function connectClient(config: Config): Promise<Connection> {
  return Connection.connect(connectionOptions(config));
}

export function connectWorker(config: Config): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config));
}
