import { installPackagesTask, runTasksInSerial, type GeneratorCallback, type Tree } from '@nx/devkit';
import { generateLayer, wrote } from '../../packages/nx/src/generate-layer.js';
import type { GeneratorRun } from '../../packages/nx/src/generator-registry.js';
import { parseOptions } from '../../packages/nx/src/options.js';
import { ensureWorkspaceMember } from '../../packages/nx/src/workspace.js';
import { composeDeployTargets, deployTargetsFor } from './lib/compose-deploy.js';
import { GENERATOR, normalizeOptions } from './lib/normalize-options.js';
import { serviceProjectJson, servicePackageJson } from './lib/project-files.js';
import { templateVariables } from './lib/template-variables.js';
import { newMcpServiceSchema, type NewMcpServiceSchema } from './schema.js';

/** `nx g @slipway/nx:new-mcp-service <name>`: a TypeScript MCP service that installs, builds, tests and serves at once. */
export default async function newMcpServiceGenerator(
  tree: Tree,
  schema: NewMcpServiceSchema,
  run: GeneratorRun = { mode: 'generate' },
): Promise<GeneratorCallback> {
  const { deploy, ...parsed } = parseOptions(tree, 'new-mcp-service', newMcpServiceSchema, schema);
  const options = normalizeOptions(tree, parsed);
  const { skipInstall, ...recorded } = options;

  const result = await generateLayer(tree, {
    generator: GENERATOR,
    layer: options.preset === 'retail' ? ['server', 'retail'] : 'server',
    projectRoot: options.directory,
    variables: templateVariables(options),
    options: recorded,
    extraFiles: [servicePackageJson(options), serviceProjectJson(options)],
  });
  ensureWorkspaceMember(tree, options.directory);
  // A re-render (update, drift check) renders this generator's own files only: each composed
  // deployment generator is re-rendered from its own record.
  const deployTasks = run.mode === 'rerender' ? [] : await composeDeployTargets(tree, options.name, deployTargetsFor(options, deploy));

  return runTasksInSerial(...deployTasks, () => {
    if (!skipInstall && wrote(result, 'package.json')) installPackagesTask(tree, true);
  });
}
