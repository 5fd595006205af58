import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../errors';
import { PROJECT_ROOT } from '../paths';

/** Where `npm run build` writes the workflow bundle (bundleWorkflowCode, ahead of time). */
export const WORKFLOW_BUNDLE_PATH = path.join(PROJECT_ROOT, 'dist', 'workflow-bundle.js');

export function prebuiltWorkflowBundle(): { codePath: string } {
  if (!existsSync(WORKFLOW_BUNDLE_PATH)) {
    throw new ConfigError(`the workflow bundle ${WORKFLOW_BUNDLE_PATH} is missing: run "npm run build" first`);
  }
  return { codePath: WORKFLOW_BUNDLE_PATH };
}

/** Bundles src/workflows once (webpack, via the SDK); fails on Node built-ins in workflow code. */
export async function buildWorkflowBundle(): Promise<string> {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(PROJECT_ROOT, 'src', 'workflows', 'index.ts'),
    logger: quietLogger,
  });
  return code;
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
