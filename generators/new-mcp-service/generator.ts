import { installPackagesTask, type GeneratorCallback, type Tree } from '@nx/devkit';
import { generateLayer, wrote } from '../../packages/nx/src/generate-layer.js';
import { parseOptions } from '../../packages/nx/src/options.js';
import { ensureWorkspaceMember } from '../../packages/nx/src/workspace.js';
import { GENERATOR, normalizeOptions } from './lib/normalize-options.js';
import { serviceProjectJson, servicePackageJson } from './lib/project-files.js';
import { templateVariables } from './lib/template-variables.js';
import { newMcpServiceSchema, type NewMcpServiceSchema } from './schema.js';

/** `nx g @slipway/nx:new-mcp-service <name>`: a TypeScript MCP service that installs, builds, tests and serves at once. */
export default async function newMcpServiceGenerator(tree: Tree, schema: NewMcpServiceSchema): Promise<GeneratorCallback> {
  const options = normalizeOptions(tree, parseOptions('new-mcp-service', newMcpServiceSchema, schema, tree));
  const { skipInstall, ...recorded } = options;

  const result = generateLayer(tree, {
    generator: GENERATOR,
    layer: options.preset === 'retail' ? ['server', 'retail'] : 'server',
    projectRoot: options.directory,
    variables: templateVariables(options),
    options: recorded,
    extraFiles: [servicePackageJson(options), serviceProjectJson(options)],
  });
  ensureWorkspaceMember(tree, options.directory);

  return () => {
    if (!skipInstall && wrote(result, 'package.json')) installPackagesTask(tree, true);
  };
}
