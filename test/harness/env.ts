/** What tests share: config pointing at the harness's real servers, the prebuilt bundle, isolation helpers. */
import { randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { Config, loadConfig } from '../../src/config/config';
import { createS3Client } from '../../src/s3/client';
import { ensureLakeBucket } from '../../src/s3/lake-bucket';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { toolPath } from '../../src/stack/process';

// Workers in tests log errors only: retried activity failures (the point of the fault tests) would drown the output.
Runtime.install({ logger: new DefaultLogger('ERROR') });

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Config for a test: the harness's servers, overridable per test (a bucket of its own, say). */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ ...process.env, ...overrides });
}

export function workflowBundle(): { codePath: string } {
  const codePath = process.env.TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('run tests through test/harness/run.ts (npm test), which builds the workflow bundle');
  return { codePath };
}

/** A fresh Object Lock bucket, so test files never see each other's objects. */
export async function freshLake(overrides: Record<string, string> = {}): Promise<{ config: Config; s3: S3Client }> {
  const config = testConfig({ S3_BUCKET: uniqueName('test-lake'), ...overrides });
  const s3 = createS3Client(config);
  await ensureLakeBucket(s3, config.s3.bucket);
  return { config, s3 };
}

export function timeSkippingServerPath(): string {
  return toolPath('temporal-test-server');
}

/** The settings that point gcaudit at a sandbox org (the simulator) started by the test. */
export function sandboxEnv(sim: {
  baseUrl: string;
  loginUrl: string;
  clientId: string;
  clientSecret: string;
}): Record<string, string> {
  return {
    GENESYS_API_BASE: sim.baseUrl,
    GENESYS_LOGIN_BASE: sim.loginUrl,
    GENESYS_CLIENT_ID: sim.clientId,
    GENESYS_CLIENT_SECRET: sim.clientSecret,
  };
}
