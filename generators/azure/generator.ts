import type { Tree } from '@nx/devkit';
import { generateLayer } from '../../packages/nx/src/generate-layer.js';
import { parseOptions } from '../../packages/nx/src/options.js';
import { GENERATOR, normalizeOptions } from './lib/normalize-options.js';
import { templateVariables } from './lib/template-variables.js';
import { azureSchema, type AzureSchema } from './schema.js';

/** `nx g @slipway/nx:azure <project>`: Bicep under <project>/infra, parameters per environment, and azure.yaml. */
export default async function azureGenerator(tree: Tree, schema: AzureSchema): Promise<void> {
  const { options, target } = normalizeOptions(tree, parseOptions('azure', azureSchema, schema));
  generateLayer(tree, {
    generator: GENERATOR,
    layer: 'azure',
    projectRoot: target.root,
    variables: templateVariables(tree, options, target),
    options: { ...options },
  });
}
