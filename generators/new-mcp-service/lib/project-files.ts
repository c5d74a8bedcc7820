import { joinPathFragments, offsetFromRoot } from '@nx/devkit';
import { CONFORMANCE_TARGET, conformanceTarget } from '../../../packages/nx/src/conformance.js';
import { LINT_PACKAGES, LINT_SCRIPT, LINT_TARGET } from '../../../packages/nx/src/lint.js';
import type { RenderedFile } from '../../../packages/nx/src/render.js';
import { stableJson } from '../../../packages/nx/src/stable-json.js';
import { nodeEngine, versions, withVersions, type VersionedPackage } from '../../../packages/nx/src/versions.js';
import type { NormalizedNewMcpServiceOptions } from './normalize-options.js';

function dependencies(options: NormalizedNewMcpServiceOptions): { deps: VersionedPackage[]; devDeps: VersionedPackage[] } {
  const deps: VersionedPackage[] = ['@slipway/mcp-runtime', '@modelcontextprotocol/server', 'zod'];
  const devDeps: VersionedPackage[] = ['@modelcontextprotocol/client', '@types/node', 'tsx', 'typescript', 'vitest', ...LINT_PACKAGES];
  if (options.database === 'pglite') deps.push('@electric-sql/pglite', '@electric-sql/pglite-pgvector');
  if (options.database !== 'none') {
    deps.push('pg');
    devDeps.push('@types/pg');
  }
  if (options.preset === 'retail') {
    deps.push('libpg-query');
    devDeps.push('fast-check');
  }
  return { deps, devDeps };
}

const COPY_MIGRATIONS = `node -e "require('node:fs').cpSync('src/db/migrations','dist/db/migrations',{recursive:true})"`;
// A fresh PGlite data directory is unpacked from this instead of spending seconds in initdb (see src/database.ts).
const PGLITE_TEMPLATE = 'slipway-pglite-template dist/db/pglite-template.tgz --extension vector';

/** The service's package.json: its own dependencies, so that it builds and ships on its own. */
export function servicePackageJson(options: NormalizedNewMcpServiceOptions): RenderedFile {
  const { deps, devDeps } = dependencies(options);
  const hasHttp = options.transport !== 'stdio';
  const hasStdio = options.transport !== 'http';
  const build = [
    'tsc -p tsconfig.build.json',
    ...(options.database === 'none' ? [] : [COPY_MIGRATIONS]),
    ...(options.database === 'pglite' ? [PGLITE_TEMPLATE] : []),
  ].join(' && ');
  const pkg = {
    name: options.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: nodeEngine },
    main: hasHttp ? 'dist/main.js' : 'dist/stdio.js',
    scripts: {
      build,
      start: hasHttp ? 'node dist/main.js' : 'node dist/stdio.js',
      ...(hasHttp && hasStdio ? { 'start:stdio': 'node dist/stdio.js' } : {}),
      dev: hasHttp ? 'tsx watch src/main.ts' : 'tsx watch src/stdio.ts',
      // The one-shot migration step, as the owner (DATABASE_MIGRATION_URL): see src/migrate.ts.
      ...(options.database === 'none' ? {} : { migrate: 'node dist/migrate.js' }),
      lint: LINT_SCRIPT,
      test: 'vitest run',
      typecheck: 'tsc -p tsconfig.json',
    },
    dependencies: withVersions(deps),
    devDependencies: withVersions(devDeps),
  };
  return { path: 'package.json', content: stableJson(pkg), writeOnce: false };
}

/**
 * The Nx project: build/lint/test/typecheck cached, serve and inspect continuous, migrate (with a database) and
 * conformance (with HTTP) never cached. Slipway owns these targets by name; the user's own targets
 * and other keys are theirs.
 */
export function serviceProjectJson(options: NormalizedNewMcpServiceOptions): RenderedFile {
  const hasHttp = options.transport !== 'stdio';
  const inspector = `npx -y @modelcontextprotocol/inspector@${versions['@modelcontextprotocol/inspector']}`;
  const inspect = hasHttp
    ? {
        continuous: true,
        // The Inspector connects once serve's readyWhen probe (/readyz) answers, not merely once it started.
        dependsOn: [{ target: 'serve', waitFor: 'ready' }],
        executor: 'nx:run-commands',
        options: { command: `${inspector} --transport http --server-url http://localhost:${options.port}/mcp` },
      }
    : {
        continuous: true,
        dependsOn: ['build'],
        executor: 'nx:run-commands',
        options: { command: `${inspector} node dist/stdio.js`, cwd: '{projectRoot}' },
      };
  const project = {
    $schema: joinPathFragments(offsetFromRoot(options.directory), 'node_modules/nx/schemas/project-schema.json'),
    name: options.name,
    projectType: 'application',
    sourceRoot: `${options.directory}/src`,
    tags: options.tags,
    targets: {
      build: {
        cache: true,
        dependsOn: ['^build'],
        executor: 'nx:run-script',
        options: { script: 'build' },
        outputs: ['{projectRoot}/dist'],
      },
      // HTTP only: the suite tests Streamable HTTP servers.
      ...(hasHttp ? { [CONFORMANCE_TARGET]: conformanceTarget(options) } : {}),
      inspect,
      lint: LINT_TARGET,
      ...(options.database === 'none' ? {} : { migrate: { dependsOn: ['build'], executor: 'nx:run-script', options: { script: 'migrate' } } }),
      serve: {
        continuous: true,
        executor: 'nx:run-script',
        options: { script: 'dev' },
        // Nx 24: dependents that wait for "ready" start when the service answers its readiness probe.
        ...(hasHttp ? { readyWhen: { url: `http://127.0.0.1:{env.PORT ?? ${options.port}}/readyz` } } : {}),
      },
      test: { cache: true, executor: 'nx:run-script', options: { script: 'test' } },
      typecheck: { cache: true, executor: 'nx:run-script', options: { script: 'typecheck' } },
    },
  };
  return { path: 'project.json', content: stableJson(project), writeOnce: false, grain: 'targets' };
}
