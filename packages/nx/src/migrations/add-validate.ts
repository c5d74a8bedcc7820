import { installPackagesTask, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { versions } from '../versions.js';
import { ensureRootDevDependencies } from '../workspace.js';

/**
 * Workspaces made before @slipway/validate existed have the plugin's inferred `validate` target but
 * not the package it runs; `init` pins both today, so this pins the one they miss, at the version
 * `init` would. A version the team already pins is theirs and stays.
 */
export default function addValidate(tree: Tree): GeneratorCallback | undefined {
  const added = ensureRootDevDependencies(tree, { '@slipway/validate': versions['@slipway/validate'] });
  if (!added) return undefined;
  logger.info(`Added @slipway/validate@${versions['@slipway/validate']} to devDependencies: \`nx run <service>:validate\` checks the managed artifacts`);
  return () => installPackagesTask(tree);
}
