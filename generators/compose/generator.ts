import { joinPathFragments, type Tree } from '@nx/devkit';
import { generateLayer } from '../../packages/nx/src/generate-layer.js';
import { parseOptions } from '../../packages/nx/src/options.js';
import { runGenerator } from '../../packages/nx/src/generator-registry.js';
import { dockerfilePath } from '../../packages/nx/src/deployment/container.js';
import { grafanaDashboard } from './lib/grafana-dashboard.js';
import { GENERATOR, normalizeOptions } from './lib/normalize-options.js';
import { templateVariables } from './lib/template-variables.js';
import { composeSchema, type ComposeSchema } from './schema.js';

/**
 * `nx g @slipway/nx:compose <project>`: compose.yaml (development), compose.prod.yaml (hardened,
 * from a pushed image) and, with --monitoring, a Prometheus + Grafana overlay, in the project root.
 */
export default async function composeGenerator(tree: Tree, schema: ComposeSchema): Promise<void> {
  const { options, target, slo } = normalizeOptions(tree, parseOptions(tree, 'compose', composeSchema, schema));
  // The development stack builds the image, so the project needs a Dockerfile; an existing one is used as is.
  if (!tree.exists(joinPathFragments(dockerfilePath(target)))) await runGenerator(tree, 'docker', { project: target.project });

  const variables = templateVariables(tree, target, options, slo);
  await generateLayer(tree, {
    generator: GENERATOR,
    layer: 'compose',
    projectRoot: target.root,
    variables,
    options,
    extraFiles: options.monitoring ? [grafanaDashboard(variables.name, variables.name)] : [],
  });
}
