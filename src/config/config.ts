import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { ConfigError } from '../errors';
import { fetchedSecretValue } from './secret-arns';
import { Secret } from './secret';
import { resolveTemporal, TemporalSettings } from './temporal-profile';
import {
  SETTINGS,
  SETTING_NAMES,
  SettingName,
  SettingSpec,
  SettingValues,
  acceptedNames,
  isSettingName,
} from './settings';

/** The typed configuration: what loadConfig's one mapping (configFrom) gives, nothing declared twice. */
export type Config = ReturnType<typeof configFrom>;

type Env = Record<string, string | undefined>;

/**
 * Reads, validates and types the configuration from the environment and an optional file.
 * All problems are reported at once, each naming the variable and what it expects; secret
 * values never appear in a message.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const raw = mergeSources(env, problems);
  const values: Partial<Record<SettingName, unknown>> = {};

  for (const key of SETTING_NAMES) {
    const spec: SettingSpec = SETTINGS[key];
    const value = raw[key] ?? spec.default;
    if (value === undefined) continue;
    const parsed = spec.schema.safeParse(value);
    if (parsed.success) {
      values[key] = parsed.data;
    } else {
      const shown = spec.secret ? '' : ` (got ${JSON.stringify(value)})`;
      problems.push(`${key}: expected ${spec.expected}${shown}`);
    }
  }

  // Every setting with a default or a valid value is set; the rest were reported above.
  const v = values as SettingValues;
  if ((v.S3_ACCESS_KEY_ID === undefined) !== (v.S3_SECRET_ACCESS_KEY === undefined)) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither');
  }
  if (v.LAKE_SSE === 'aws:kms' && v.LAKE_KMS_KEY_ID === undefined) {
    problems.push('LAKE_KMS_KEY_ID: required when LAKE_SSE=aws:kms');
  }
  if ((v.GENESYS_CLIENT_ID === undefined) !== (v.GENESYS_CLIENT_SECRET === undefined)) {
    problems.push('GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET: set both or neither');
  }
  if (v.GENESYS_REQUESTS_PER_MINUTE + v.BACKFILL_REQUESTS_PER_MINUTE > v.GENESYS_ORG_REQUESTS_PER_MINUTE) {
    problems.push(
      `GENESYS_REQUESTS_PER_MINUTE + BACKFILL_REQUESTS_PER_MINUTE: together at most GENESYS_ORG_REQUESTS_PER_MINUTE (${v.GENESYS_ORG_REQUESTS_PER_MINUTE}), got ${v.GENESYS_REQUESTS_PER_MINUTE} + ${v.BACKFILL_REQUESTS_PER_MINUTE}`,
    );
  }
  if (v.S3_ENDPOINT !== undefined && v.S3_USE_AWS === true) {
    problems.push('S3_USE_AWS: cannot be true together with S3_ENDPOINT');
  }

  if (v.SPLUNK_HEC_TOKEN !== undefined && v.SPLUNK_HEC_URL === undefined) {
    problems.push('SPLUNK_HEC_TOKEN: set SPLUNK_HEC_URL too (the token alone names no collector)');
  }

  const temporal = resolveTemporal(v, problems);

  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }

  return configFrom(v, temporal);
}

/** The one mapping from setting names to the configuration's shape (Config is its type). */
function configFrom(v: SettingValues, temporal: TemporalSettings) {
  const secret = (value: string | undefined) => (value === undefined ? undefined : new Secret(value));
  return {
    dataDir: path.resolve(v.GCAUDIT_DATA_DIR),
    org: v.GCAUDIT_ORG,
    logLevel: v.GCAUDIT_LOG_LEVEL,
    temporal,
    s3: {
      // Unset and useAws false: the embedded MinIO.
      endpoint: v.S3_ENDPOINT,
      useAws: v.S3_USE_AWS,
      region: v.S3_REGION,
      bucket: v.S3_BUCKET,
      forcePathStyle: v.S3_FORCE_PATH_STYLE ?? !v.S3_USE_AWS,
      accessKeyId: v.S3_ACCESS_KEY_ID,
      secretAccessKey: secret(v.S3_SECRET_ACCESS_KEY),
    },
    lake: {
      lockMode: v.LAKE_LOCK_MODE,
      retentionDays: v.LAKE_RETENTION_DAYS,
      sse: v.LAKE_SSE,
      kmsKeyId: v.LAKE_KMS_KEY_ID,
      // gcaudit init: bucket default retention, lifecycle archive transition and expiry.
      bucketDefaultRetention: v.LAKE_BUCKET_DEFAULT_RETENTION,
      archiveAfterDays: v.LAKE_ARCHIVE_AFTER_DAYS,
      archiveStorageClass: v.LAKE_ARCHIVE_STORAGE_CLASS,
      expireAfterDays: v.LAKE_EXPIRE_AFTER_DAYS ?? v.LAKE_RETENTION_DAYS,
    },
    restore: {
      days: v.RESTORE_DAYS,
      tier: v.RESTORE_TIER,
      maxWaitHours: v.RESTORE_MAX_WAIT_HOURS,
    },
    genesys: {
      region: v.GENESYS_REGION,
      apiBase: v.GENESYS_API_BASE,
      loginBase: v.GENESYS_LOGIN_BASE,
      clientId: v.GENESYS_CLIENT_ID,
      clientSecret: secret(v.GENESYS_CLIENT_SECRET),
      requestsPerMinute: v.GENESYS_REQUESTS_PER_MINUTE,
      backfillRequestsPerMinute: v.BACKFILL_REQUESTS_PER_MINUTE,
      orgRequestsPerMinute: v.GENESYS_ORG_REQUESTS_PER_MINUTE,
    },
    collection: {
      dailyLagMinutes: v.DAILY_LAG_MINUTES,
      catchupDays: v.SCHEDULE_CATCHUP_DAYS,
      backfillConcurrency: v.BACKFILL_CONCURRENCY,
      backfillPauseAfterFailedDays: v.BACKFILL_PAUSE_AFTER_FAILED_DAYS,
      apiRetentionDays: v.AUDIT_RETENTION_DAYS,
    },
    mask: {
      // Unset outside the local stack: the worker refuses to start (transformContext).
      hmacKey: secret(v.MASK_HMAC_KEY),
      extraAllowlist: (v.LAKE_EXTRA_ALLOWLIST as string).split(','),
      // Unset: the country of the Genesys region (transform/pipeline.ts).
      phoneCountries: v.MASK_PHONE_COUNTRIES,
      personNames: v.MASK_PERSON_NAMES,
    },
    manifest: {
      signingKey: secret(v.MANIFEST_SIGNING_KEY),
    },
    // Each DuckDB the worker opens: its activities' scratch databases and query engines.
    duckdb: { memoryLimitMb: v.DUCKDB_MEMORY_LIMIT_MB, threads: v.DUCKDB_THREADS },
    query: {
      engine: v.QUERY_ENGINE,
      // The CLI's query engine (all cores).
      duckdbMemoryLimitMb: v.QUERY_DUCKDB_MEMORY_LIMIT_MB,
      athena: {
        database: v.ATHENA_DATABASE,
        workgroup: v.ATHENA_WORKGROUP,
        outputLocation: v.ATHENA_OUTPUT_LOCATION,
        region: v.ATHENA_REGION ?? v.S3_REGION,
        endpoint: v.ATHENA_ENDPOINT,
      },
    },
    checks: {
      systemUserIds: (v.CHECKS_SYSTEM_USER_IDS as string).split(',').filter((id) => id !== ''),
      changeWindows: v.CHECKS_CHANGE_WINDOWS,
      businessHours: v.CHECKS_BUSINESS_HOURS,
      afterSeal: v.CHECKS_AFTER_SEAL,
      webhookUrl: secret(v.CHECKS_WEBHOOK_URL),
    },
    // The daily access snapshot (src/access).
    access: {
      snapshotDaily: v.ACCESS_SNAPSHOT_DAILY,
    },
    // The OCSF copy for Amazon Security Lake (src/ocsf).
    ocsf: {
      afterSeal: v.OCSF_AFTER_SEAL,
      bucket: v.OCSF_BUCKET ?? v.S3_BUCKET,
      accountId: v.OCSF_ACCOUNT_ID,
      region: v.OCSF_REGION ?? v.S3_REGION,
    },
    schema: {
      recrawlDays: v.SCHEMA_RECRAWL_DAYS,
      recrawlHour: v.SCHEMA_RECRAWL_HOUR,
    },
    ingest: {
      rawPrefix: v.RAW_PREFIX,
      pollSeconds: v.INGEST_POLL_SECONDS,
      graceMinutes: v.INGEST_GRACE_MINUTES,
      rehydrateMaxHours: v.REHYDRATE_MAX_HOURS,
    },
    // Splunk HEC delivery; undefined when SPLUNK_HEC_URL is not set.
    splunk:
      v.SPLUNK_HEC_URL === undefined
        ? undefined
        : {
            url: v.SPLUNK_HEC_URL,
            token: secret(v.SPLUNK_HEC_TOKEN),
            index: v.SPLUNK_INDEX,
            sourcetypeEvents: v.SPLUNK_SOURCETYPE_EVENTS,
            sourcetypeFindings: v.SPLUNK_SOURCETYPE_FINDINGS,
            ack: v.SPLUNK_HEC_ACK,
            caFile: v.SPLUNK_CA_FILE,
            tlsVerify: v.SPLUNK_TLS_VERIFY,
            batchMaxEvents: v.SPLUNK_BATCH_MAX_EVENTS,
            batchMaxBytes: v.SPLUNK_BATCH_MAX_BYTES,
            ackTimeoutSeconds: v.SPLUNK_ACK_TIMEOUT_SECONDS,
            requestsInFlight: v.SPLUNK_REQUESTS_IN_FLIGHT,
            retryMaxHours: v.SPLUNK_RETRY_MAX_HOURS,
          },
    local: {
      // The sandbox org's Firehose delivery interval for gcaudit up; 0: no stream.
      simFirehoseSeconds: v.LOCAL_SIM_FIREHOSE_SECONDS,
      temporalPort: v.LOCAL_TEMPORAL_PORT,
      temporalUiPort: v.LOCAL_TEMPORAL_UI_PORT,
      minioPort: v.LOCAL_MINIO_PORT,
      minioConsolePort: v.LOCAL_MINIO_CONSOLE_PORT,
      simPort: v.LOCAL_SIM_PORT,
    },
  };
}

/** The file first, the environment over it; `<NAME>_FILE` and `<NAME>_SECRET_ARN` secrets resolved. */
function mergeSources(env: Env, problems: string[]): Partial<Record<SettingName, string>> {
  const merged: Partial<Record<SettingName, string>> = {};
  const file = env.GCAUDIT_CONFIG_FILE;
  if (file) Object.assign(merged, readConfigFile(file, problems));

  const accepted = new Set(acceptedNames());
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    // A misspelt GCAUDIT_ variable would otherwise be silently ignored.
    if (key.startsWith('GCAUDIT_') && !accepted.has(key)) {
      problems.push(
        `${key}: unknown setting (known: ${[...accepted].filter((n) => n.startsWith('GCAUDIT_')).join(', ')})`,
      );
      continue;
    }
    if (isSettingName(key)) merged[key] = value;
  }

  for (const key of SETTING_NAMES) {
    if (!(SETTINGS[key] as SettingSpec).secret) continue;
    const fileVar = `${key}_FILE`;
    const arnVar = `${key}_SECRET_ARN`;
    const secretPath = env[fileVar];
    const arn = env[arnVar];
    const given = [env[key] ? key : undefined, secretPath ? fileVar : undefined, arn ? arnVar : undefined].filter(
      (n) => n !== undefined,
    );
    if (given.length > 1) {
      problems.push(`${given.join(' and ')}: set one, not ${given.length === 2 ? 'both' : 'several'}`);
      continue;
    }
    if (arn) {
      const value = fetchedSecretValue(arn);
      if (value === undefined)
        problems.push(
          `${arnVar}: the secret ${arn} was not fetched from AWS Secrets Manager (fetchSecretArns runs at start)`,
        );
      else merged[key] = value;
      continue;
    }
    if (!secretPath) continue;
    try {
      merged[key] = readFileSync(secretPath, 'utf8').trim();
    } catch (err) {
      problems.push(
        `${fileVar}: cannot read the secret file ${secretPath} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  return merged;
}

function readConfigFile(file: string, problems: string[]): Partial<Record<SettingName, string>> {
  let parsed: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    parsed = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    problems.push(
      `GCAUDIT_CONFIG_FILE: cannot read ${file} as ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    );
    return {};
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push(`GCAUDIT_CONFIG_FILE: ${file} must hold a map of setting names to values`);
    return {};
  }
  const out: Partial<Record<SettingName, string>> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!isSettingName(key)) {
      problems.push(`${key} (in ${file}): unknown setting`);
      continue;
    }
    if ((SETTINGS[key] as SettingSpec).secret) {
      problems.push(
        `${key} (in ${file}): secrets do not belong in the config file; use ${key}_FILE, ${key}_SECRET_ARN or the environment`,
      );
      continue;
    }
    if (value === null || typeof value === 'object') {
      problems.push(`${key} (in ${file}): expected ${(SETTINGS[key] as SettingSpec).expected}`);
      continue;
    }
    out[key] = String(value);
  }
  return out;
}
