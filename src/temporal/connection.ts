import { Connection } from '@temporalio/client';
import { toClientOptions } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { Config } from '../config/config';

/** The Temporal frontend for this config: an explicit address or the embedded dev server. */
export function temporalAddress(config: Config): string {
  return config.temporal.address ?? `127.0.0.1:${config.local.temporalPort}`;
}

/** Connection options by the SDK's own mapping (envconfig): TLS, server CA and name, mTLS pair, API key. */
function connectionOptions(config: Config) {
  const t = config.temporal;
  const data = (text: string | undefined) => (text === undefined ? undefined : { data: text });
  return toClientOptions({
    address: temporalAddress(config),
    namespace: t.namespace,
    apiKey: t.apiKey?.reveal(),
    tls: {
      disabled: !t.tls,
      serverName: t.serverName,
      serverCACert: data(t.serverCaCert),
      clientCert: data(t.clientCert?.reveal()),
      clientKey: data(t.clientKey?.reveal()),
    },
  }).connectionOptions;
}

export function connectClient(config: Config): Promise<Connection> {
  return Connection.connect(connectionOptions(config));
}

export function connectWorker(config: Config): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config));
}
