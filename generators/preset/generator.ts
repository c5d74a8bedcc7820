import { installPackagesTask, type GeneratorCallback, type Tree } from '@nx/devkit';
import { parseOptions } from '../../packages/nx/src/options.js';
import { applyFiles } from '../../packages/nx/src/render.js';
import { runGenerator } from '../../packages/nx/src/generator-registry.js';
import { dropNxWelcomeReadme, layoutFiles } from './lib/layout-files.js';
import { normalizeOptions, SERVICES_DIR } from './lib/normalize-options.js';
import { declareTeamLayer } from './lib/team-layer.js';
import { presetSchema, type PresetSchema } from './schema.js';

/**
 * A new platform workspace: run by `create-slipway` and by `create-nx-workspace --preset=@slipway/nx`.
 * Sets Slipway up (init), writes the standard layout, declares the team layer and generates the
 * first service. Safe to run again: nothing the user changed is rewritten.
 */
export default async function presetGenerator(tree: Tree, schema: PresetSchema): Promise<GeneratorCallback> {
  const options = normalizeOptions(tree, parseOptions(tree, 'preset', presetSchema, schema));
  const rootPackageJson = tree.read('package.json', 'utf-8');

  await runGenerator(tree, 'init', { skipInstall: true });
  dropNxWelcomeReadme(tree);
  applyFiles(tree, '', layoutFiles(options), undefined);
  if (options.layer) declareTeamLayer(tree, options.layer);

  const servicePackageJson = options.service ? `${SERVICES_DIR}/${options.service}/package.json` : undefined;
  const newService = servicePackageJson !== undefined && !tree.exists(servicePackageJson);
  if (options.service) {
    // The database is passed only when given, so that a team layer's default applies otherwise.
    await runGenerator(tree, 'new-mcp-service', {
      name: options.service,
      ...(options.database ? { database: options.database } : {}),
      skipInstall: true,
    });
  }

  const installNeeded = newService || tree.read('package.json', 'utf-8') !== rootPackageJson;
  return () => {
    if (!options.skipInstall && installNeeded) installPackagesTask(tree, true);
  };
}
