// @ts-check
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Test code: specs, e2e tests and their support modules. */
const tests = ['**/*.spec.ts', '**/*.test.ts', '**/*.e2e.ts', 'test/support/**', '**/testing-support.ts', 'generators/spec-support.ts'];

export default defineConfig(
  globalIgnores([
    '**/dist/',
    '**/node_modules/',
    'tmp/',
    'coverage/',
    // Vendored JSON schemas (see their PROVENANCE.md).
    'packages/validate/src/schemas/',
    // Templates are linted where they run: in generated services, with the config they render (test/generated-variants.e2e.ts).
    'templates/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Nx's generator and callback APIs take async functions; an async function without await is not a bug.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: tests,
    rules: {
      // Specs read generated JSON/YAML (readJson, JSON.parse, yaml.parse: `any`) to assert on it: a wrong
      // property path fails the assertion already, so the any rules would only add casts there.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // The validators read untrusted YAML/JSON as `unknown` and compare String(value) on purpose: an object
    // stringifies as "[object Object]", which matches nothing, so the check fails as it should.
    files: ['packages/validate/src/**/*.ts'],
    rules: { '@typescript-eslint/no-base-to-string': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
