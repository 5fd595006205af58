import { builtinModules } from 'node:module';
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettierConfig from 'eslint-config-prettier';

// Workflow code must stay deterministic: no Node built-ins, no I/O clients, and only *types*
// from activities and the modules that do I/O. (The SDK's bundler also rejects built-ins; this
// catches it in the editor, and catches I/O libraries the bundler would accept.)
const builtins = builtinModules.filter((m) => !m.startsWith('_') && !m.startsWith('node:'));
const workflowBans = {
  paths: builtins.map((name) => ({ name, message: 'Node built-ins are not allowed in workflow code (determinism).' })),
  patterns: [
    {
      group: ['node:*', 'fs/*', 'stream/*', 'timers/*', 'dns/*', 'path/*', 'util/*'],
      message: 'Node built-ins are not allowed in workflow code (determinism).',
    },
    {
      group: [
        '@aws-sdk/*',
        'undici',
        '@duckdb/*',
        'yaml',
        '@temporalio/worker',
        '@temporalio/client',
        '@temporalio/activity',
        '@temporalio/testing',
      ],
      message: 'I/O libraries belong in activities, not workflows.',
    },
    {
      group: [
        '**/activities',
        '**/activities/*',
        '**/s3/*',
        '**/stack/*',
        '**/config/config',
        '**/client/*',
        '**/worker/*',
        '**/lake/*',
        '**/genesys/*',
        '**/query/*',
        '**/sim/*',
      ],
      allowTypeImports: true,
      message: 'Workflows may import only the types of activities and of I/O modules.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      '.tools/',
      '.data/',
      'eslint.config.mjs',
      '.dependency-cruiser.cjs',
      'bin/',
      'auditor/',
      'deploy/aws/cdk.out/',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test registers tests synchronously; its returned promise is the runner's to await.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', workflowBans] },
  },
  // Formatting is Prettier's alone (checked by `npm run lint`); this turns off the style rules that would disagree.
  prettierConfig,
);
