import { readFileSync } from 'node:fs';
import { ClientConfigProfile, ConfigDataSource, loadClientConfigProfile } from '@temporalio/envconfig';
import { Secret } from './secret';

/** How to reach Temporal: the SDK's client profile, with the settings of this app over it. */
export interface TemporalSettings {
  /** Unset: the embedded local dev server. */
  address?: string;
  namespace: string;
  taskQueue: string;
  tls: boolean;
  apiKey?: Secret;
  /** Server verification and mTLS; only with tls. */
  serverName?: string;
  serverCaCert?: string;
  clientCert?: Secret;
  clientKey?: Secret;
}

type Values = Record<string, unknown>;

/**
 * Resolves the Temporal connection through @temporalio/envconfig, so a profile of the Temporal
 * client config file (TOML, as the temporal CLI writes it) and the TEMPORAL_* variables Temporal
 * users know both work. The values validated by loadConfig (secrets already read from _FILE or
 * _SECRET_ARN) are handed to envconfig as its environment, so they win over the profile. The
 * file is read only when TEMPORAL_PROFILE or TEMPORAL_CONFIG_FILE asks for it: a developer's own
 * default profile must not turn a local run into a run against their cloud namespace.
 */
export function resolveTemporal(v: Values, problems: string[]): TemporalSettings {
  const str = (key: string) => (v[key] === undefined ? undefined : String(v[key]));
  const vars: Record<string, string> = {};
  for (const key of [
    'TEMPORAL_ADDRESS',
    'TEMPORAL_NAMESPACE',
    'TEMPORAL_API_KEY',
    'TEMPORAL_TLS',
    'TEMPORAL_TLS_CLIENT_CERT_PATH',
    'TEMPORAL_TLS_CLIENT_CERT_DATA',
    'TEMPORAL_TLS_CLIENT_KEY_PATH',
    'TEMPORAL_TLS_CLIENT_KEY_DATA',
    'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
    'TEMPORAL_TLS_SERVER_NAME',
  ]) {
    const value = str(key);
    if (value !== undefined) vars[key] = value;
  }
  const useFile = v.TEMPORAL_PROFILE !== undefined || v.TEMPORAL_CONFIG_FILE !== undefined;
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({
      profile: str('TEMPORAL_PROFILE'),
      configSource: v.TEMPORAL_CONFIG_FILE ? { path: String(v.TEMPORAL_CONFIG_FILE) } : undefined,
      disableFile: !useFile,
      overrideEnvVars: vars,
    });
  } catch (err) {
    // envconfig's messages name the file or profile; they never hold secret values.
    problems.push(`TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE: ${(err as Error).message}`);
    profile = {};
  }
  const tls = profile.tls;
  const read = (source: ConfigDataSource | undefined, setting: string): string | undefined => {
    if (!source) return undefined;
    if ('data' in source)
      return typeof source.data === 'string' ? source.data : Buffer.from(source.data).toString('utf8');
    try {
      return readFileSync(source.path, 'utf8');
    } catch (err) {
      problems.push(`${setting}: cannot read ${source.path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return undefined;
    }
  };
  const clientCert = read(tls?.clientCert, 'TEMPORAL_TLS_CLIENT_CERT_PATH');
  const clientKey = read(tls?.clientKey, 'TEMPORAL_TLS_CLIENT_KEY_PATH');
  if ((clientCert === undefined) !== (clientKey === undefined)) {
    problems.push(
      'TEMPORAL_TLS_CLIENT_CERT_* and TEMPORAL_TLS_CLIENT_KEY_*: set both (the mTLS certificate and its key) or neither',
    );
  }
  const tlsOn = tls ? tls.disabled !== true : profile.apiKey !== undefined;
  return {
    address: profile.address,
    namespace: profile.namespace ?? 'default',
    taskQueue: String(v.TEMPORAL_TASK_QUEUE),
    tls: tlsOn,
    apiKey: profile.apiKey === undefined ? undefined : new Secret(profile.apiKey),
    serverName: tls?.serverName,
    serverCaCert: read(tls?.serverCACert, 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'),
    clientCert: clientCert === undefined ? undefined : new Secret(clientCert),
    clientKey: clientKey === undefined ? undefined : new Secret(clientKey),
  };
}
