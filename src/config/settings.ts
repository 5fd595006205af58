import { isSupportedCountry } from 'libphonenumber-js/max';
import { z } from 'zod';

/**
 * Every setting the application reads, by its environment variable name. This table is the one
 * place settings are declared: the loader validates against it, `gcaudit config` documents it,
 * and the docker-compose test checks the worker's environment against it.
 *
 * A config file (GCAUDIT_CONFIG_FILE, JSON or YAML) may set the same names; the environment wins.
 * A secret may instead be read from a file named by `<NAME>_FILE`, or from AWS Secrets Manager by
 * `<NAME>_SECRET_ARN` (fetched once at start: see secret-arns.ts).
 */
export interface SettingSpec {
  schema: z.ZodType<unknown>;
  /** What a valid value looks like, for error messages. */
  expected: string;
  describe: string;
  default?: string;
  secret?: boolean;
}

const hostPort = z.string().regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'host:port');
const url = z.string().url();
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const positiveInt = z.coerce.number().int().positive();
const port = z.coerce.number().int().min(1).max(65535);
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
const nonEmpty = z.string().min(1);

export const SETTINGS = {
  GCAUDIT_DATA_DIR: {
    schema: nonEmpty,
    expected: 'a directory path',
    default: '.data',
    describe: 'Local state of the embedded stack (Temporal database, MinIO data, generated local credentials).',
  },
  GCAUDIT_ORG: {
    schema: name,
    expected: 'a short org label of letters, digits, ".", "_" or "-"',
    default: 'sandbox',
    describe: 'Label of the Genesys org, used in workflow ids (collect-day/<org>/<day>) and lake keys.',
  },
  GCAUDIT_LOG_LEVEL: {
    schema: z.enum(['debug', 'info', 'warn', 'error']),
    expected: 'one of debug, info, warn, error',
    default: 'info',
    describe: 'Log verbosity of the worker and CLI.',
  },
  TEMPORAL_ADDRESS: {
    schema: hostPort,
    expected: 'host:port of a Temporal frontend, e.g. 127.0.0.1:7233',
    describe: 'Existing Temporal server. Unset: the embedded local dev server is used.',
  },
  TEMPORAL_NAMESPACE: {
    schema: name,
    expected: 'a Temporal namespace name',
    describe: 'Temporal namespace. Default: the profile\'s (TEMPORAL_PROFILE), else "default".',
  },
  TEMPORAL_TASK_QUEUE: {
    schema: name,
    expected: 'a task queue name',
    default: 'gcaudit',
    describe: 'Task queue of the daily collection and the other workflows.',
  },
  TEMPORAL_TLS: {
    schema: bool,
    expected: 'true or false',
    describe:
      'Connect to Temporal over TLS (Temporal Cloud: true). Default: on when an API key or a client certificate is set, or when the profile says so; else off.',
  },
  TEMPORAL_API_KEY: {
    schema: nonEmpty,
    expected: 'a Temporal Cloud API key',
    secret: true,
    describe: 'API key for Temporal Cloud.',
  },
  TEMPORAL_PROFILE: {
    schema: name,
    expected: 'a profile name of the Temporal client config file',
    describe:
      'Profile of the Temporal client config file (TOML, as the temporal CLI and SDKs read it: TEMPORAL_CONFIG_FILE, else the default location). The TEMPORAL_* settings here override the profile. Unset with no TEMPORAL_CONFIG_FILE: no file is read.',
  },
  TEMPORAL_CONFIG_FILE: {
    schema: nonEmpty,
    expected: 'a path to a Temporal client config file (TOML)',
    describe: 'Temporal client config file with profiles (TEMPORAL_PROFILE, default "default").',
  },
  TEMPORAL_TLS_CLIENT_CERT_PATH: {
    schema: nonEmpty,
    expected: 'a path to a PEM certificate',
    describe: 'mTLS client certificate (Temporal Cloud namespaces with certificate auth), as a file.',
  },
  TEMPORAL_TLS_CLIENT_CERT_DATA: {
    schema: z.string().includes('BEGIN CERTIFICATE'),
    expected: 'a PEM certificate',
    // Not confidential, but kept beside its key (e.g. in Secrets Manager), so it may come the same ways.
    secret: true,
    describe: 'mTLS client certificate, as PEM text (or _FILE / _SECRET_ARN).',
  },
  TEMPORAL_TLS_CLIENT_KEY_PATH: {
    schema: nonEmpty,
    expected: 'a path to a PEM private key',
    describe: 'Private key of the mTLS client certificate, as a file.',
  },
  TEMPORAL_TLS_CLIENT_KEY_DATA: {
    schema: z.string().includes('PRIVATE KEY'),
    expected: 'a PEM private key',
    secret: true,
    describe: 'Private key of the mTLS client certificate, as PEM text (or _FILE / _SECRET_ARN).',
  },
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: {
    schema: nonEmpty,
    expected: 'a path to a PEM CA certificate',
    describe: "CA that signed the Temporal server's certificate, when not a public one (self-hosted with TLS).",
  },
  TEMPORAL_TLS_SERVER_NAME: {
    schema: nonEmpty,
    expected: 'a host name',
    describe: "Server name to verify the Temporal server's certificate against, when it differs from the address.",
  },
  S3_ENDPOINT: {
    schema: url,
    expected: 'an http(s) URL, e.g. http://127.0.0.1:9000',
    describe:
      'Existing S3-compatible endpoint. Unset on a local run: the embedded MinIO is used. Unset with S3_USE_AWS=true: AWS S3.',
  },
  S3_USE_AWS: {
    schema: bool,
    expected: 'true or false',
    default: 'false',
    describe: 'Use AWS S3 with the default AWS credential chain instead of the embedded MinIO.',
  },
  S3_REGION: {
    schema: nonEmpty,
    expected: 'an AWS region, e.g. us-east-1',
    default: 'us-east-1',
    describe: 'S3 region.',
  },
  S3_BUCKET: {
    schema: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
    expected: 'an S3 bucket name (3-63 lower-case letters, digits, "." or "-")',
    default: 'gcaudit-lake',
    describe: 'Bucket of the lake. It must have Object Lock enabled.',
  },
  S3_FORCE_PATH_STYLE: {
    schema: bool,
    expected: 'true or false',
    describe: 'Path-style S3 addressing. Default: true when S3_ENDPOINT is set (MinIO), else false.',
  },
  S3_ACCESS_KEY_ID: {
    schema: nonEmpty,
    expected: 'an access key id',
    describe: 'Static S3 access key. Unset: the AWS default credential chain (or the local MinIO credentials).',
  },
  S3_SECRET_ACCESS_KEY: {
    schema: nonEmpty,
    expected: 'a secret access key',
    secret: true,
    describe: 'Static S3 secret key, with S3_ACCESS_KEY_ID.',
  },
  LAKE_LOCK_MODE: {
    schema: z.enum(['COMPLIANCE', 'GOVERNANCE']),
    expected: 'COMPLIANCE or GOVERNANCE',
    default: 'COMPLIANCE',
    describe: 'Object Lock mode of every object written to the lake.',
  },
  LAKE_RETENTION_DAYS: {
    schema: positiveInt.max(36500),
    expected: 'a whole number of days from 1 to 36500',
    default: '2557',
    describe: 'Object Lock retention of every lake object, in days (default: 7 years).',
  },
  LAKE_SSE: {
    schema: z.enum(['AES256', 'aws:kms']),
    expected: 'AES256 or aws:kms',
    default: 'AES256',
    describe: 'Server-side encryption of lake objects.',
  },
  LAKE_KMS_KEY_ID: {
    schema: nonEmpty,
    expected: 'a KMS key id or ARN',
    describe: 'KMS key for LAKE_SSE=aws:kms.',
  },
  LAKE_BUCKET_DEFAULT_RETENTION: {
    schema: bool,
    expected: 'true or false',
    default: 'true',
    describe:
      "gcaudit init also sets the bucket's default Object Lock retention (LAKE_LOCK_MODE, LAKE_RETENTION_DAYS), so even an object written by hand is locked. Lake objects carry explicit retention anyway; _staging/ chunks carry a one-day GOVERNANCE lock of their own, so sealing can still delete them.",
  },
  LAKE_ARCHIVE_AFTER_DAYS: {
    schema: z.coerce.number().int().min(0).max(36500),
    expected: 'a whole number of days, 0 to 36500 (0: never archive)',
    default: '365',
    describe:
      'gcaudit init: lifecycle transition of event parts (audit_events/) to LAKE_ARCHIVE_STORAGE_CLASS this many days after they are written. Manifests stay in STANDARD, so verification never needs a restore to walk the chain.',
  },
  LAKE_ARCHIVE_STORAGE_CLASS: {
    schema: z.enum(['STANDARD_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE']),
    expected: 'STANDARD_IA, GLACIER_IR, GLACIER or DEEP_ARCHIVE',
    default: 'GLACIER_IR',
    describe:
      'Archive storage class of old event parts. GLACIER and DEEP_ARCHIVE must be restored before they are read (gcaudit restore).',
  },
  LAKE_EXPIRE_AFTER_DAYS: {
    schema: positiveInt.max(36500),
    expected: 'a whole number of days, at least LAKE_RETENTION_DAYS',
    describe:
      "gcaudit init: lifecycle expiry of the org's lake objects. Default: LAKE_RETENTION_DAYS. Expiry before the lock ends is refused.",
  },
  RESTORE_DAYS: {
    schema: positiveInt.max(365),
    expected: 'a whole number of days, 1 to 365',
    default: '7',
    describe: 'How long a restored copy of an archived part stays readable (RestoreObject Days).',
  },
  RESTORE_TIER: {
    schema: z.enum(['Expedited', 'Standard', 'Bulk']),
    expected: 'Expedited, Standard or Bulk',
    default: 'Standard',
    describe: 'Retrieval tier of archive restores (DEEP_ARCHIVE has no Expedited).',
  },
  RESTORE_MAX_WAIT_HOURS: {
    schema: positiveInt.max(720),
    expected: 'a whole number of hours, 1 to 720',
    default: '48',
    describe: 'The restore workflow waits (durable timers) at most this long for archived parts to become readable.',
  },
  GENESYS_REGION: {
    schema: nonEmpty,
    expected: 'a Genesys Cloud region such as us_east_1 or eu_west_1',
    describe: 'Region of the Genesys Cloud org. Unset with no GENESYS_API_BASE: the sandbox org (simulator).',
  },
  GENESYS_API_BASE: {
    schema: url,
    expected: 'an http(s) URL, e.g. https://api.mypurecloud.com',
    describe: 'Explicit API base URL (overrides GENESYS_REGION; used for the simulator).',
  },
  GENESYS_LOGIN_BASE: {
    schema: url,
    expected: 'an http(s) URL, e.g. https://login.mypurecloud.com',
    describe: 'Explicit OAuth base URL (overrides GENESYS_REGION).',
  },
  GENESYS_CLIENT_ID: {
    schema: nonEmpty,
    expected: 'an OAuth client id',
    describe: 'OAuth client (client credentials grant) with audits:audit:view.',
  },
  GENESYS_CLIENT_SECRET: {
    schema: nonEmpty,
    expected: 'an OAuth client secret',
    secret: true,
    describe: 'Secret of GENESYS_CLIENT_ID.',
  },
  GENESYS_REQUESTS_PER_MINUTE: {
    schema: positiveInt.max(100000),
    expected: 'a whole number of requests per minute',
    default: '200',
    describe:
      'API budget of the daily collection (task queue TEMPORAL_TASK_QUEUE), shared by all workers. With the backfill budget it must stay under the org limit (Genesys: 300 a minute per token).',
  },
  BACKFILL_REQUESTS_PER_MINUTE: {
    schema: positiveInt.max(100000),
    expected: 'a whole number of requests per minute',
    default: '80',
    describe: "API budget of backfills (their own task queue), lower than the daily job's.",
  },
  GENESYS_ORG_REQUESTS_PER_MINUTE: {
    schema: positiveInt.max(100000),
    expected: 'a whole number of requests per minute',
    default: '300',
    describe: "The org's rate limit; the daily and backfill budgets together must not exceed it.",
  },
  DAILY_LAG_MINUTES: {
    schema: z.coerce.number().int().min(0).max(1439),
    expected: 'minutes after midnight UTC, 0 to 1439',
    default: '120',
    describe:
      'The daily schedule collects the previous UTC day this long after midnight UTC, so late events have arrived.',
  },
  SCHEDULE_CATCHUP_DAYS: {
    schema: positiveInt.max(365),
    expected: 'a whole number of days',
    default: '3',
    describe: 'Catch-up window of the daily schedule: runs missed while Temporal was down this recently still happen.',
  },
  BACKFILL_CONCURRENCY: {
    schema: positiveInt.max(64),
    expected: 'a whole number from 1 to 64',
    default: '4',
    describe: 'Days a backfill collects at the same time.',
  },
  BACKFILL_PAUSE_AFTER_FAILED_DAYS: {
    schema: positiveInt.max(1000),
    expected: 'a whole number from 1 to 1000',
    default: '3',
    describe:
      'A backfill stops starting new days and pauses for an operator once this many of its days have failed (after their own retries); it also pauses at the end of its range if any day failed, so it never ends with a day missing. gcaudit status shows each failed day with its cause; gcaudit backfill --from --to --resume retries them first.',
  },
  AUDIT_RETENTION_DAYS: {
    schema: positiveInt.max(3650),
    expected: 'a whole number of days',
    default: '365',
    describe:
      'How far back the Genesys audit API serves data (at least one year); older days can only come from the lake.',
  },
  MASK_HMAC_KEY: {
    schema: z.string().min(32),
    expected: 'a random key of at least 32 characters',
    secret: true,
    describe:
      'Key of the HMAC that replaces phone numbers and pseudonymizes person names (a plain hash of either is reversible by trying every value). Local stack: generated in the data dir.',
  },
  MASK_PHONE_COUNTRIES: {
    schema: z
      .string()
      .regex(/^[A-Za-z]{2}(,[A-Za-z]{2})*$/)
      .transform((v) => v.toUpperCase().split(','))
      .refine((codes) => codes.every((c) => isSupportedCountry(c))),
    expected: 'comma-separated ISO 3166 country codes with a numbering plan, e.g. GB,IE',
    describe:
      'Countries whose national phone formats are masked (020 7946 0958 in GB, 030 901820 in DE), besides international ones (+, 00, 011) and North American ones, which are masked for every country. The first country that calls a number valid gives its normal form. Default: the country of GENESYS_REGION (us_east_1 US, eu_west_2 GB, ap_northeast_1 JP, ...); without a region (the sandbox org), the countries of every Genesys Cloud region.',
  },
  MASK_PERSON_NAMES: {
    schema: z.enum(['keep', 'pseudonymize', 'drop']),
    expected: 'keep, pseudonymize or drop',
    default: 'pseudonymize',
    describe:
      'Names of people (user.name, username, userDisplay, the name of a user or contact entity, and the same in property changes and message params): pseudonymize replaces each with person#<key id>:<16 hex>, a keyed HMAC of the name (case and spacing ignored), the same on every day (gcaudit lookup --name finds it); drop removes them; keep stores them (emails and phones inside still masked).',
  },
  LAKE_EXTRA_ALLOWLIST: {
    schema: z.string().regex(/^[A-Za-z0-9_.]+(,[A-Za-z0-9_.]+)*$/),
    expected: 'comma-separated field paths, e.g. message.localizableMessageCode,context',
    default:
      'message.localizableMessageCode,message.messageParams,context,entityChanges,application,transactionInitiator,initiatingAction.actionContext,userHomeOrgId',
    describe:
      'Known source fields without a column that are kept in the extra column (data minimization); other known fields are dropped. Fields unknown to this version are always kept, masked, so nothing new is lost.',
  },
  MANIFEST_SIGNING_KEY: {
    schema: z.string().includes('PRIVATE KEY'),
    expected: 'an Ed25519 private key in PEM (PKCS#8)',
    secret: true,
    describe: 'Signs each day manifest. Local stack: generated in the data dir.',
  },
  QUERY_ENGINE: {
    schema: z.enum(['duckdb', 'athena']),
    expected: 'duckdb or athena',
    default: 'duckdb',
    describe:
      'Engine of checks and queries: DuckDB over a local cache of the lake (partitions synced from S3 on demand), or Athena.',
  },
  DUCKDB_MEMORY_LIMIT_MB: {
    schema: positiveInt.min(16).max(1_048_576),
    expected: 'a whole number of megabytes, at least 16',
    default: '256',
    describe:
      "Memory of each DuckDB the worker opens (sealing a day, checks, stream ingest, the OCSF copy, Splunk delivery); beyond it DuckDB spills to a temporary directory. Bounds the worker's resident memory (the checks' engine had 1 GB before). Not below 256: delivering a 250k-event part sorts its HEC lines, which does not fit in 128 MB.",
  },
  DUCKDB_THREADS: {
    schema: positiveInt.max(256),
    expected: 'a whole number of threads, 1 to 256',
    default: '1',
    describe:
      "Threads of the worker's query engines (checks, evidence, schema recrawl). What writes to the lake (sealing, OCSF, findings, stream ingest) always runs on one, so a retry writes the same bytes. Each thread takes memory of its own; the lake queue runs two tasks at a time.",
  },
  QUERY_DUCKDB_MEMORY_LIMIT_MB: {
    schema: positiveInt.min(16).max(1_048_576),
    expected: 'a whole number of megabytes, at least 16',
    default: '1024',
    describe:
      'Memory of the DuckDB of gcaudit query, check and evidence run from the CLI (all cores); beyond it DuckDB spills to the cache directory.',
  },
  ATHENA_DATABASE: {
    schema: z.string().regex(/^[a-z_][a-z0-9_]{0,254}$/),
    expected: 'a Glue database name (lower-case letters, digits, "_")',
    default: 'gcaudit',
    describe: 'Athena (Glue) database of the lake tables, the view and the named queries.',
  },
  ATHENA_WORKGROUP: {
    schema: name,
    expected: 'an Athena workgroup name',
    default: 'primary',
    describe:
      'Athena workgroup queries run in (its settings may enforce the output location and a bytes-scanned limit).',
  },
  ATHENA_OUTPUT_LOCATION: {
    schema: z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/),
    expected: 'an s3:// URL, e.g. s3://my-athena-results/gcaudit/',
    describe: "Where Athena writes query results. Unset: the workgroup's own setting.",
  },
  ATHENA_REGION: {
    schema: nonEmpty,
    expected: 'an AWS region, e.g. us-east-1',
    describe: 'Athena region. Default: S3_REGION.',
  },
  ATHENA_ENDPOINT: {
    schema: url,
    expected: 'an http(s) URL',
    describe: "Explicit Athena endpoint (tests: a local server speaking Athena's protocol). Unset: AWS.",
  },
  CHECKS_SYSTEM_USER_IDS: {
    schema: z.string().regex(/^[A-Za-z0-9_.:@-]*(,[A-Za-z0-9_.:@-]+)*$/),
    expected: 'comma-separated user ids',
    default: '',
    describe:
      'Known system users (retention policies, SCIM, platform jobs) that every check excludes. Rows with level SYSTEM are excluded too.',
  },
  CHECKS_CHANGE_WINDOWS: {
    schema: nonEmpty,
    expected: 'weekly UTC windows separated by ";", e.g. "Sat 01:00-03:00; Wed 22:00-23:30"',
    default: 'Sat 01:00-03:00',
    describe: 'Authorized change windows (recurring, UTC): admin role grants inside them are expected.',
  },
  CHECKS_BUSINESS_HOURS: {
    schema: nonEmpty,
    expected: 'weekly UTC windows separated by ";", e.g. "Mon-Fri 07:00-19:00"',
    default: 'Mon-Fri 07:00-19:00',
    describe: 'Business hours (recurring, UTC): admin activity outside them and outside the change windows is flagged.',
  },
  CHECKS_AFTER_SEAL: {
    schema: bool,
    expected: 'true or false',
    default: 'true',
    describe: 'Run every check over a day as soon as the day is sealed (a child workflow of collect-day).',
  },
  OCSF_AFTER_SEAL: {
    schema: bool,
    expected: 'true or false',
    default: 'true',
    describe:
      'Write the OCSF 1.1 copy of a day for Amazon Security Lake as soon as the day is sealed (a child workflow of collect-day).',
  },
  ACCESS_SNAPSHOT_DAILY: {
    schema: bool,
    expected: 'true or false',
    default: 'true',
    describe:
      'Take the access snapshot (users, roles, grants, OAuth clients, divisions) of each day the daily schedule collects, on the daily queue and its budget (a child workflow of daily-collect). Tables the OAuth client may not read are recorded as not readable.',
  },
  OCSF_BUCKET: {
    schema: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
    expected: 'an S3 bucket name',
    describe:
      'Bucket of the OCSF copy (the Security Lake bucket, aws-security-data-lake-<region>-<id>). Unset: the lake bucket, under ext/.',
  },
  OCSF_ACCOUNT_ID: {
    schema: z.string().regex(/^\d{12}$/),
    expected: 'a 12-digit AWS account id',
    default: '000000000000',
    describe: 'AWS account of the Security Lake custom sources: the accountId= partition of the OCSF copy.',
  },
  OCSF_REGION: {
    schema: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
    expected: 'an AWS region, e.g. us-east-1',
    describe: 'Region of the Security Lake: the region= partition of the OCSF copy. Unset: S3_REGION.',
  },
  CHECKS_WEBHOOK_URL: {
    schema: url,
    expected: 'an http(s) URL',
    secret: true,
    describe:
      'Optional webhook that receives a JSON summary of each check run with findings (Slack-compatible "text" field). A Slack webhook URL is a credential.',
  },
  SCHEMA_RECRAWL_DAYS: {
    schema: positiveInt.max(31),
    expected: 'a whole number of days from 1 to 31',
    default: '2',
    describe: 'The nightly schema recrawl looks at this many recent days of the lake for new source fields.',
  },
  SCHEMA_RECRAWL_HOUR: {
    schema: z.coerce.number().int().min(0).max(23),
    expected: 'an hour of the day (UTC), 0 to 23',
    default: '4',
    describe: 'Hour (UTC) of the nightly schema recrawl Schedule.',
  },
  RAW_PREFIX: {
    schema: z.string().regex(/^([A-Za-z0-9!_.*'()-]+\/)+$/),
    expected: 'an S3 key prefix ending in "/", e.g. raw/',
    default: 'raw/',
    describe:
      'Where Kinesis Data Firehose delivers the EventBridge audit stream in the lake bucket (raw/YYYY/MM/DD/HH/...). The ingest workflow reads new objects under it.',
  },
  INGEST_POLL_SECONDS: {
    schema: positiveInt.max(3600),
    expected: 'a whole number of seconds from 1 to 3600',
    default: '15',
    describe:
      "How often the ingest workflow looks for new raw objects (a durable timer; the poke signal makes it look at once). Bounds the stream's freshness.",
  },
  INGEST_GRACE_MINUTES: {
    schema: positiveInt.max(1440),
    expected: 'a whole number of minutes from 1 to 1440',
    default: '60',
    describe:
      'Raw objects that land late with an older name are still picked up within this window behind the newest processed one.',
  },
  REHYDRATE_MAX_HOURS: {
    schema: positiveInt.max(720),
    expected: 'a whole number of hours from 1 to 720',
    default: '24',
    describe:
      'How long a truncated, unparsable or incomplete stream event is retried against the audit API (durable timers, backoff) before it becomes a finding.',
  },
  LOCAL_SIM_FIREHOSE_SECONDS: {
    schema: z.coerce.number().int().min(0).max(3600),
    expected: 'a whole number of seconds, 0 to turn the stream off',
    default: '60',
    describe:
      'gcaudit up with the sandbox org: the simulator delivers its EventBridge stream to RAW_PREFIX in the local bucket this often, and the ingest workflow is started.',
  },
  SPLUNK_HEC_URL: {
    schema: url,
    expected: 'the base URL of a Splunk HTTP Event Collector, e.g. https://splunk.example.com:8088',
    describe:
      'Splunk HEC to deliver verified events and findings to (POST /services/collector/event). Unset: no delivery. Set: each sealed day is delivered after its checks (deliver/<org>/splunk).',
  },
  SPLUNK_HEC_TOKEN: {
    schema: nonEmpty,
    expected: 'a HEC token (a GUID)',
    secret: true,
    describe: 'Token of the HEC input; sent only as "Authorization: Splunk <token>", never logged.',
  },
  SPLUNK_INDEX: {
    schema: z.string().regex(/^[a-z0-9_][a-z0-9_-]*$/),
    expected: 'a Splunk index name (lower-case letters, digits, "_" or "-")',
    describe: "Index every event is sent to (the token must allow it). Unset: the token's default index.",
  },
  SPLUNK_SOURCETYPE_EVENTS: {
    schema: z.string().regex(/^[A-Za-z0-9_:.-]+$/),
    expected: 'a sourcetype name, e.g. genesys:cloud:audit',
    default: 'genesys:cloud:audit',
    describe: 'Sourcetype of audit events.',
  },
  SPLUNK_SOURCETYPE_FINDINGS: {
    schema: z.string().regex(/^[A-Za-z0-9_:.-]+$/),
    expected: 'a sourcetype name, e.g. gcaudit:finding',
    default: 'gcaudit:finding',
    describe: 'Sourcetype of compliance findings.',
  },
  SPLUNK_HEC_ACK: {
    schema: z.enum(['on', 'off', 'true', 'false']).transform((v) => v === 'on' || v === 'true'),
    expected: 'on or off',
    default: 'on',
    describe:
      'Indexer acknowledgment: a batch counts as delivered when /services/collector/ack says it is indexed (Splunk Enterprise with useACK on the token). A token without it answers without an ackId and the 200 is taken as delivery. off: never ask (Splunk Cloud).',
  },
  SPLUNK_CA_FILE: {
    schema: nonEmpty,
    expected: 'a path to a PEM CA bundle',
    describe: "CA bundle that signs the HEC's certificate (self-signed Splunk certificates). Unset: the system's CAs.",
  },
  SPLUNK_TLS_VERIFY: {
    schema: bool,
    expected: 'true or false',
    default: 'true',
    describe: "Verify the HEC's TLS certificate and host name. false only for a test instance.",
  },
  SPLUNK_BATCH_MAX_EVENTS: {
    schema: positiveInt.max(100000),
    expected: 'a whole number of events, 1 to 100000',
    default: '1000',
    describe: 'Events per HEC request at most.',
  },
  SPLUNK_BATCH_MAX_BYTES: {
    schema: positiveInt.min(1024).max(100_000_000),
    expected: 'a whole number of bytes, 1024 to 100000000',
    default: '1000000',
    describe: "Uncompressed bytes per HEC request at most (Splunk's max_content_length applies to what it receives).",
  },
  SPLUNK_REQUESTS_IN_FLIGHT: {
    schema: positiveInt.max(32),
    expected: 'a whole number of requests, 1 to 32',
    default: '4',
    describe:
      'HEC requests sent and not yet answered at once: the next batches are built and compressed while these travel. Acknowledgments of every waiting batch are asked in one /services/collector/ack request. 1: one request at a time.',
  },
  SPLUNK_ACK_TIMEOUT_SECONDS: {
    schema: positiveInt.max(86400),
    expected: 'a whole number of seconds',
    default: '300',
    describe:
      'A batch whose indexer acknowledgment has not arrived after this long is sent again (counted as a resend in the delivery ledger).',
  },
  SPLUNK_RETRY_MAX_HOURS: {
    schema: positiveInt.max(720),
    expected: 'a whole number of hours, 1 to 720',
    default: '72',
    describe:
      'While the HEC answers 503, 429, 5xx or cannot be reached, delivery waits with durable timers (backoff up to 30 minutes) this long before the day is marked failed.',
  },
  LOCAL_TEMPORAL_PORT: {
    schema: port,
    expected: 'a TCP port',
    default: '7233',
    describe: 'Port of the embedded Temporal dev server.',
  },
  LOCAL_TEMPORAL_UI_PORT: {
    schema: port,
    expected: 'a TCP port',
    default: '8233',
    describe: 'Port of the embedded Temporal Web UI.',
  },
  LOCAL_MINIO_PORT: {
    schema: port,
    expected: 'a TCP port',
    default: '9000',
    describe: 'Port of the embedded MinIO S3 API.',
  },
  LOCAL_SIM_PORT: {
    schema: port,
    expected: 'a TCP port',
    default: '8787',
    describe: 'Port of the sandbox org (Genesys simulator) that gcaudit up starts when no Genesys org is configured.',
  },
  LOCAL_MINIO_CONSOLE_PORT: {
    schema: port,
    expected: 'a TCP port',
    default: '9001',
    describe: 'Port of the embedded MinIO console.',
  },
} satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;

type Specs = typeof SETTINGS;
type Parsed<K extends SettingName> = z.output<Specs[K]['schema']>;
/**
 * The validated values, typed by their schemas: a setting with a default always has a value,
 * one without may be unset. loadConfig maps these to the Config, whose type follows from that mapping.
 */
export type SettingValues = { [K in SettingName as Specs[K] extends { default: string } ? K : never]: Parsed<K> } & {
  [K in SettingName as Specs[K] extends { default: string } ? never : K]?: Parsed<K>;
};

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

export function isSettingName(key: string): key is SettingName {
  return Object.prototype.hasOwnProperty.call(SETTINGS, key);
}

/** Names a deployment may set, including the `<NAME>_FILE` form of secrets. */
export function acceptedNames(): string[] {
  const names: string[] = [...SETTING_NAMES, 'GCAUDIT_CONFIG_FILE'];
  for (const n of SETTING_NAMES) if ((SETTINGS[n] as SettingSpec).secret) names.push(`${n}_FILE`, `${n}_SECRET_ARN`);
  return names;
}
