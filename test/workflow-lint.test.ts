import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { PROJECT_ROOT } from '../src/paths';

const RULE = '@typescript-eslint/no-restricted-imports';

/** Lints a snippet as if it were a file in src/workflows, with the rule the project config applies there. */
async function lintWorkflowSnippet(code: string): Promise<string[]> {
  const projectConfig = await new ESLint({ cwd: PROJECT_ROOT }).calculateConfigForFile('src/workflows/index.ts');
  const rule = projectConfig.rules?.[RULE];
  assert.ok(rule, `the project config applies ${RULE} to src/workflows`);
  const linter = new ESLint({
    cwd: PROJECT_ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser as never },
        plugins: { '@typescript-eslint': tseslint.plugin as never },
        rules: { [RULE]: rule },
      },
    ],
  });
  const [result] = await linter.lintText(code, { filePath: 'src/workflows/snippet.ts' });
  return result.messages.map((m) => m.message);
}

test('workflow files may not import Node built-ins or I/O libraries', async () => {
  for (const bad of [
    "import { readFileSync } from 'fs';",
    "import { createHash } from 'node:crypto';",
    "import * as http from 'http';",
    "import { S3Client } from '@aws-sdk/client-s3';",
    "import { request } from 'undici';",
    "import { Worker } from '@temporalio/worker';",
    "import { createActivities } from '../activities';",
  ]) {
    const messages = await lintWorkflowSnippet(bad);
    assert.equal(messages.length, 1, `${bad} must be refused`);
  }
});

test('workflow files may import the workflow SDK and the types of activities', async () => {
  for (const ok of [
    "import { proxyActivities } from '@temporalio/workflow';",
    "import type { Activities } from '../activities';",
    "import type { Config } from '../config/config';",
    "import { ConfigError } from '../errors';",
  ]) {
    assert.deepEqual(await lintWorkflowSnippet(ok), [], `${ok} is allowed`);
  }
});
