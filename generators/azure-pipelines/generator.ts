import type { GeneratorCallback, Tree } from '@nx/devkit';
import { generateLayer } from '../../packages/nx/src/generate-layer.js';
import { parseOptions } from '../../packages/nx/src/options.js';
import { GENERATOR, normalizeOptions } from './lib/normalize-options.js';
import { templateVariables } from './lib/template-variables.js';
import { azurePipelinesSchema, type AzurePipelinesSchema } from './schema.js';

/**
 * `nx g @slipway/nx:azure-pipelines <project>`: `<project root>/azure-pipelines.yml` and the deploy and
 * smoke-test scripts it shares with the GitHub Actions delivery. One pipeline per service, kept
 * with the service (register it with `az pipelines create --yaml-path <project root>/azure-pipelines.yml`).
 */
export default async function azurePipelinesGenerator(tree: Tree, schema: AzurePipelinesSchema): Promise<GeneratorCallback | void> {
  const context = normalizeOptions(tree, parseOptions(tree, 'azure-pipelines', azurePipelinesSchema, schema));
  await generateLayer(tree, {
    generator: GENERATOR,
    layer: 'azure-pipelines',
    projectRoot: context.delivery.root,
    variables: templateVariables(tree, context),
    options: { ...context.options },
  });
}
