import type { Tree } from '@nx/devkit';
import { generateLayer } from '../../packages/nx/src/generate-layer.js';
import type { GeneratorRun } from '../../packages/nx/src/generator-registry.js';
import { readGeneratorRecord } from '../../packages/nx/src/answers.js';
import { renderReadersAgain } from '../../packages/nx/src/option-readers.js';
import { parseOptions } from '../../packages/nx/src/options.js';
import { GENERATOR, normalizeOptions } from './lib/normalize-options.js';
import { templateVariables } from './lib/template-variables.js';
import { azureSchema, type AzureSchema } from './schema.js';

/** `nx g @slipway/nx:azure <project>`: Bicep under <project>/infra, parameters per environment, and azure.yaml. */
export default async function azureGenerator(tree: Tree, schema: AzureSchema, run: GeneratorRun = { mode: 'generate' }): Promise<void> {
  const { options, target } = normalizeOptions(tree, parseOptions(tree, 'azure', azureSchema, schema));
  const before = readGeneratorRecord(tree, target.root, GENERATOR)?.options;
  await generateLayer(tree, {
    generator: GENERATOR,
    layer: 'azure',
    projectRoot: target.root,
    variables: templateVariables(tree, options, target),
    options: { ...options },
  });
  // The delivery generators run its migration job (with --postgres).
  if (run.mode === 'generate') await renderReadersAgain(tree, 'azure', target.root, before);
}
