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
  // so the workflow and the edges share one definition of each status.
  regex: '(^|/)(activities|src)(/(?!domain/(payment-event|recovery-status|sms-status)$).*)?$',
  allowTypeImports: true,
  message:
    'src/ and activities/ run outside the workflow sandbox. Import their types only ' +
    "(`import type * as activities from '../activities'`); shared values belong in workflows/ " +
    'or src/domain/ (payment-event, recovery-status, sms-status).',
};

// src/db/ owns the database: its drivers, its tables and its SQL. Everything else calls
// src/db's functions (docs/architecture.md).
const DATA_LAYER =
  'Only src/db/ talks to the database: add a function (typed rows in, domain types out) ' +
  'to the src/db module of its table and call that.';
const databaseLibraryPaths = ['knex', 'pg', 'better-sqlite3'].map((name) => ({
  name,
  message: DATA_LAYER,
}));
const TABLES =
  'webhook_events|recovery_events|sms_messages|suppressed_numbers|outbox|sms_send_claims|inbound_messages';
const tableQuery = {
  // `db('sms_messages')`, `trx('outbox as o')`: a query on a table by name.
  selector: `CallExpression[arguments.0.value=/^(${TABLES})( as \\w+)?$/]`,
  message: DATA_LAYER,
};

// The domain vocabulary is imported by the workflow bundle: it imports nothing but itself.
const PURE_DOMAIN = 'src/domain/ vocabulary modules are pure: no imports outside src/domain.';

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
      // src/db types its rows (src/db/rows.ts), the rest casts at the one place it reads.
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
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
    files: ['{src,activities}/**/*.ts'],
    ignores: ['src/db/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: databaseLibraryPaths }],
      'no-restricted-syntax': ['error', tableQuery],
    },
  },
  {
    files: ['src/domain/{payment-event,recovery-status,sms-status,formats,intake-outcome}.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./)', message: PURE_DOMAIN }] },
      ],
    },
  },
  {
    // bench/floor/'s workflow is bundled like ours and held to the same rules.
    files: ['workflows/**/*.ts', 'bench/floor/{workflow,definitions}.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [...builtinPaths, ...ioLibraryPaths], patterns: [edgeFolderPattern] },
      ],
    },
  },
);
