import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildWorkflowBundle, WORKFLOW_BUNDLE_PATH } from '../src/worker/workflow-bundle';

/** `npm run build`: the workflow bundle is built here, ahead of time, never at worker start. */
async function main() {
  const code = await buildWorkflowBundle();
  mkdirSync(path.dirname(WORKFLOW_BUNDLE_PATH), { recursive: true });
  writeFileSync(WORKFLOW_BUNDLE_PATH, code);
  console.log(
    `workflow bundle: ${path.relative(process.cwd(), WORKFLOW_BUNDLE_PATH)} (${(code.length / 1024).toFixed(0)} KiB)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
