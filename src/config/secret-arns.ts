import {
  GetSecretValueCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../errors';
import { SETTINGS, SETTING_NAMES, SettingSpec } from './settings';

type Env = Record<string, string | undefined>;

/**
 * Secrets given as `<NAME>_SECRET_ARN` (AWS Secrets Manager), fetched once at the start of the
 * process and kept in memory, keyed by ARN: loadConfig (synchronous) reads them from here. The
 * values live only in this map and in the Secret objects built from it; nothing logs them.
 */
const fetched = new Map<string, string>();

/** `<NAME>_SECRET_ARN` of every secret setting the environment names. */
export function secretArnRefs(env: Env): Array<{ setting: string; variable: string; arn: string }> {
  const refs: Array<{ setting: string; variable: string; arn: string }> = [];
  for (const key of SETTING_NAMES) {
    if (!(SETTINGS[key] as SettingSpec).secret) continue;
    const variable = `${key}_SECRET_ARN`;
    const arn = env[variable];
    if (arn) refs.push({ setting: key, variable, arn });
  }
  return refs;
}

/**
 * Fetches every `<NAME>_SECRET_ARN` the environment names that is not cached yet. Call once at
 * start (worker, CLI) before loadConfig. Every secret that cannot be read is reported at once,
 * each by its variable and the service's error name, never by value.
 */
export async function fetchSecretArns(env: Env = process.env, client?: SecretsManagerClient): Promise<void> {
  const refs = secretArnRefs(env).filter((r) => !fetched.has(r.arn));
  if (refs.length === 0) return;
  // The SDK's own AWS_ENDPOINT_URL_SECRETS_MANAGER points it elsewhere (tests: moto's server).
  const sm = client ?? new SecretsManagerClient({ region: regionOf(refs[0].arn) ?? env.AWS_REGION ?? env.S3_REGION });
  const problems: string[] = [];
  for (const ref of refs) {
    try {
      const res = await sm.send(new GetSecretValueCommand({ SecretId: ref.arn }));
      if (typeof res.SecretString !== 'string' || res.SecretString === '') {
        problems.push(`${ref.variable}: the secret ${ref.arn} has no string value (binary secrets are not read)`);
        continue;
      }
      fetched.set(ref.arn, res.SecretString.trim());
    } catch (err) {
      const reason =
        err instanceof SecretsManagerServiceException
          ? err.name
          : ((err as NodeJS.ErrnoException).code ?? (err as Error).name);
      problems.push(`${ref.variable}: cannot read the secret ${ref.arn} from AWS Secrets Manager (${reason})`);
    }
  }
  if (!client) sm.destroy();
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
}

/** The value fetched for an ARN, or undefined when fetchSecretArns has not read it. */
export function fetchedSecretValue(arn: string): string | undefined {
  return fetched.get(arn);
}

/** Secrets Manager ARNs name their region: arn:aws:secretsmanager:<region>:<account>:secret:<name>. */
function regionOf(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts[2] === 'secretsmanager' && parts[3] ? parts[3] : undefined;
}
