import { joinPathFragments, logger, type Tree } from '@nx/devkit';
import { generateLayer } from '../../packages/nx/src/generate-layer.js';
import type { GeneratorRun } from '../../packages/nx/src/generator-registry.js';
import { readGeneratorRecord } from '../../packages/nx/src/answers.js';
import { renderReadersAgain } from '../../packages/nx/src/option-readers.js';
import { parseOptions } from '../../packages/nx/src/options.js';
import { renderLayer } from '../../packages/nx/src/render.js';
import { GENERATOR, normalizeOptions } from './lib/normalize-options.js';
import { templateVariables } from './lib/template-variables.js';
import { dockerSchema, type DockerSchema } from './schema.js';

/**
 * `nx g @slipway/nx:docker <project>`: a multi-stage Dockerfile in the project, and the workspace's
 * .dockerignore (image builds use the workspace root as their context, for the lockfile).
 */
export default async function dockerGenerator(tree: Tree, schema: DockerSchema, run: GeneratorRun = { mode: 'generate' }): Promise<void> {
  const { options, target } = normalizeOptions(tree, parseOptions(tree, 'docker', dockerSchema, schema));
  const variables = templateVariables(target, options);
  // One record for both files: they go to different folders, so paths are from the workspace root.
  const dockerfile = renderLayer('docker/project', variables).map((file) => ({ ...file, path: joinPathFragments(target.root, file.path) }));

  const before = readGeneratorRecord(tree, target.root, GENERATOR)?.options;
  await generateLayer(tree, {
    generator: GENERATOR,
    layer: 'docker/context',
    projectRoot: target.root,
    base: '',
    variables,
    options,
    extraFiles: dockerfile,
  });
  // Compose and the pipelines render from its port, health path and Node line.
  if (run.mode === 'generate') await renderReadersAgain(tree, 'docker', target.root, before);

  if (!tree.exists(target.lockfile)) {
    logger.warn(`${target.lockfile} does not exist yet: the image installs with npm ci from it. Run npm install and commit it.`);
  }
}
