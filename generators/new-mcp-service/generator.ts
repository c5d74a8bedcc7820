import { installPackagesTask, type GeneratorCallback, type Tree } from '@nx/devkit';
import { readGeneratorRecord, writeGeneratorRecord } from '../../packages/nx/src/answers.js';
import { parseOptions } from '../../packages/nx/src/options.js';
import { slipwayVersion } from '../../packages/nx/src/package-paths.js';
import { applyFiles, renderLayer, reportKeptFiles } from '../../packages/nx/src/render.js';
import { ensureWorkspaceMember } from '../../packages/nx/src/workspace.js';
import { GENERATOR, normalizeOptions } from './lib/normalize-options.js';
import { serviceProjectJson, servicePackageJson } from './lib/project-files.js';
import { templateVariables } from './lib/template-variables.js';
import { newMcpServiceSchema, type NewMcpServiceSchema } from './schema.js';

/** `nx g @slipway/nx:new-mcp-service <name>`: a TypeScript MCP service that installs, builds, tests and serves at once. */
export default async function newMcpServiceGenerator(tree: Tree, schema: NewMcpServiceSchema): Promise<GeneratorCallback> {
  const options = normalizeOptions(tree, parseOptions('new-mcp-service', newMcpServiceSchema, schema));
  const { skipInstall, ...recorded } = options;

  const files = [
    ...renderLayer('server', templateVariables(options)),
    servicePackageJson(options),
    serviceProjectJson(options),
  ];
  const previous = readGeneratorRecord(tree, options.directory, GENERATOR);
  const result = applyFiles(tree, options.directory, files, previous);
  reportKeptFiles(options.directory, result);
  writeGeneratorRecord(tree, options.directory, GENERATOR, {
    version: slipwayVersion,
    options: recorded,
    files: result.hashes,
  });
  ensureWorkspaceMember(tree, options.directory);

  const dependenciesChanged = result.outcomes.some(
    ({ path, outcome }) => path === 'package.json' && (outcome === 'created' || outcome === 'updated'),
  );
  return () => {
    if (!skipInstall && dependenciesChanged) installPackagesTask(tree, true);
  };
}
