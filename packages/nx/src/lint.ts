import type { VersionedPackage } from './versions.js';

/**
 * A generated service's lint setup, shared by new-mcp-service (which renders it) and the add-lint
 * migration (which brings older services up to it). The config itself is a template:
 * templates/server/eslint.config.mjs, overridable by team layers like any other file.
 */
export const LINT_CONFIG_FILE = 'eslint.config.mjs';

/** What the config imports: ESLint, its recommended rules and typescript-eslint (pinned in versions.ts). */
export const LINT_PACKAGES = ['@eslint/js', 'eslint', 'typescript-eslint'] as const satisfies readonly VersionedPackage[];

/** The package.json script the target runs. */
export const LINT_SCRIPT = 'eslint .';

/** The Nx target: cached like typecheck and test (its inputs are the project's files). */
export const LINT_TARGET = { cache: true, executor: 'nx:run-script', options: { script: 'lint' } } as const;

/** Files that mean a project already has an ESLint configuration of its own (flat or legacy). */
export const ESLINT_CONFIG_FILES = [
  'eslint.config.js',
  'eslint.config.mjs',
  'eslint.config.cjs',
  'eslint.config.ts',
  'eslint.config.mts',
  'eslint.config.cts',
  '.eslintrc',
  '.eslintrc.js',
  '.eslintrc.cjs',
  '.eslintrc.json',
  '.eslintrc.yaml',
  '.eslintrc.yml',
] as const;
