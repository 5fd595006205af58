import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SETTINGS } from '../../src/config/settings';

/**
 * The one set of parameters of the AWS deployment, read from a JSON file
 * (`npx cdk deploy -c params=gcaudit-aws.json`; see params.example.json). Values that are also
 * worker settings are validated by the same schemas as the worker's settings.
 */
const setting = (name: keyof typeof SETTINGS) => SETTINGS[name].schema.transform(String);

const temporal = z.discriminatedUnion('kind', [
  z.object({
    /** Temporal Cloud, authenticated by an mTLS client certificate or an API key (in Secrets Manager). */
    kind: z.literal('cloud'),
    address: setting('TEMPORAL_ADDRESS'),
    namespace: setting('TEMPORAL_NAMESPACE'),
    auth: z.enum(['mtls', 'api-key']),
  }),
  z.object({
    /** A self-hosted Temporal frontend the worker's VPC can reach. */
    kind: z.literal('self-hosted'),
    address: setting('TEMPORAL_ADDRESS'),
    namespace: setting('TEMPORAL_NAMESPACE').default('default'),
    tls: z.boolean().default(false),
  }),
]);

export const deployParametersSchema = z
  .object({
    /** GCAUDIT_ORG: the org's label in lake keys and workflow ids. */
    org: setting('GCAUDIT_ORG'),
    /** GENESYS_REGION, e.g. eu_west_1. */
    genesysRegion: setting('GENESYS_REGION'),
    /** GENESYS_CLIENT_ID: an identifier, not a credential (it appears in every audit event the client causes); its secret goes to Secrets Manager. */
    genesysClientId: setting('GENESYS_CLIENT_ID'),
    /** The partner event source Genesys Cloud's EventBridge integration created: aws.partner/genesys.com/cloud/<org id>/<name>. */
    partnerEventSource: z
      .string()
      .regex(/^aws\.partner\/genesys\.com\/[A-Za-z0-9/_.-]+$/, 'aws.partner/genesys.com/...'),
    temporal,
    /** LAKE_RETENTION_DAYS: Object Lock days of every lake object and the bucket default. */
    retentionDays: z.number().int().min(1).max(36500).default(2557),
    /** LAKE_LOCK_MODE. */
    lockMode: z.enum(['COMPLIANCE', 'GOVERNANCE']).default('COMPLIANCE'),
    /** Athena's bytes-scanned cutoff per query, in bytes (default 10 GiB; Athena's minimum is 10 MB). */
    athenaBytesScannedCutoff: z
      .number()
      .int()
      .min(10_000_000)
      .default(10 * 1024 ** 3),
    /** Run the worker. Off for the first deploy: fill the placeholder secrets, then deploy again with true. */
    startWorker: z.boolean().default(false),
    /** A pre-built worker image (registry URI). Unset: CDK builds the project's Dockerfile as an asset at deploy. */
    workerImage: z.string().min(1).optional(),
    /** Where alarms send e-mail. Unset: the alarms exist without a subscriber. */
    alarmEmail: z.string().email().optional(),
  })
  .strict();

export type DeployParameters = z.output<typeof deployParametersSchema>;

export class DeployParametersError extends Error {
  readonly type = 'DeployParametersError';
}

/** Validates the parameters; every problem at once, each by its path. */
export function parseDeployParameters(input: unknown, source = 'parameters'): DeployParameters {
  const parsed = deployParametersSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new DeployParametersError(`Invalid deploy parameters in ${source}:\n  - ${problems.join('\n  - ')}`);
}

export function readDeployParameters(file: string): DeployParameters {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DeployParametersError(`cannot read the deploy parameters ${file} as JSON: ${(err as Error).message}`);
  }
  return parseDeployParameters(json, file);
}
