// Type-aware lint for the TypeScript folders. Formatting belongs to Prettier: neither
// preset below enables a layout rule, so no eslint-config-prettier is needed.
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TS_SOURCES = ['{src,workflows,activities,migrations,test,bench}/**/*.ts'];

// Temporal's workflow bundler accepts `assert`; every other built-in is off limits
// (the same exception temporalio/samples-typescript makes).
const ALLOWED_BUILTINS = new Set(['assert', 'node:assert']);

const DETERMINISM =
  'Workflow code is replayed and must be deterministic: no I/O, clocks or randomness of its ' +
  'own. Do the side effect in an activity and call it through proxyActivities.';

const builtinPaths = builtinModules
  .flatMap((name) => (name.startsWith('node:') ? [name] : [name, `node:${name}`]))
  .filter((name) => !ALLOWED_BUILTINS.has(name))
  .map((name) => ({ name, message: DETERMINISM }));

// Libraries that talk to the outside world. Their types are harmless, their code is not.
const ioLibraryPaths = [
  'knex',
  'pg',
  'better-sqlite3',
  'twilio',
  'koa',
  '@koa/router',
  'pino',
  'prom-client',
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
].map((name) => ({ name, message: DETERMINISM, allowTypeImports: true }));

const edgeFolderPattern = {
  // The one exception: the domain vocabulary (pure constants and predicates, no imports),
  // so the workflow and the edges share one definition of "terminal".
  regex: '(^|/)(activities|src)(/(?!domain/payment-event$).*)?$',
  allowTypeImports: true,
  message:
    'src/ and activities/ run outside the workflow sandbox. Import their types only ' +
    "(`import type * as activities from '../activities'`); shared values belong in workflows/ " +
    'or src/domain/payment-event.ts.',
};

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', '.tools/', 'data/', 'coverage/', 'bench/results/']),
  {
    files: TS_SOURCES,
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: fileURLToPath(new URL('.', import.meta.url)),
      },
    },
    rules: {
      // A forgotten await on an activity, a query or a Knex call fails silently.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Knex rows and Koa's ctx.state arrive typed `any` from the libraries themselves:
      // worth a look, not worth failing the build over.
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unsafe-argument': 'warn',
      '@typescript-eslint/no-unsafe-assignment': 'warn',
      '@typescript-eslint/no-unsafe-call': 'warn',
      '@typescript-eslint/no-unsafe-member-access': 'warn',
      '@typescript-eslint/no-unsafe-return': 'warn',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Koa middleware and activities are async by contract even when they never await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Jest's asymmetric matchers are typed `any`, and `expect(mock.fn)` reads as unbound.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [...builtinPaths, ...ioLibraryPaths], patterns: [edgeFolderPattern] },
      ],
    },
  },
);
