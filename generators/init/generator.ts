import { installPackagesTask, type GeneratorCallback, type Tree } from '@nx/devkit';
import { parseOptions } from '../../packages/nx/src/options.js';
import { versions } from '../../packages/nx/src/versions.js';
import { ensureGitignoreLines, ensureNxPlugin, ensureRootDevDependencies, ensureWorkspaceMember } from '../../packages/nx/src/workspace.js';
import { initSchema, type InitSchema } from './schema.js';

/** `nx add @slipway/nx`: pins the plugin and its validators (the inferred `validate` target), registers its nx.json entry (drift check, team layers) and prepares the workspace for services. Safe to run again. */
export default async function initGenerator(tree: Tree, schema: InitSchema): Promise<GeneratorCallback> {
  const options = parseOptions(tree, 'init', initSchema, schema);
  const added = ensureRootDevDependencies(tree, { '@slipway/nx': versions['@slipway/nx'], '@slipway/validate': versions['@slipway/validate'] });
  ensureWorkspaceMember(tree, 'services/example');
  ensureNxPlugin(tree);
  ensureGitignoreLines(tree, ['node_modules/', 'dist/', '.data/', '.nx/cache', '.nx/workspace-data']);
  return () => {
    if (!options.skipInstall && added) installPackagesTask(tree);
  };
}
