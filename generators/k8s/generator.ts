import type { Tree } from '@nx/devkit';
import { generateLayer } from '../../packages/nx/src/generate-layer.js';
import { parseOptions } from '../../packages/nx/src/options.js';
import { GENERATOR, imageTagOf, normalizeOptions } from './lib/normalize-options.js';
import { templateVariables } from './lib/template-variables.js';
import { k8sSchema, type K8sSchema } from './schema.js';

/** `nx g @slipway/nx:k8s <project>`: kustomize base + dev/staging/prod overlays under <project>/deploy/k8s. */
export default async function k8sGenerator(tree: Tree, schema: K8sSchema): Promise<void> {
  const { options, target } = normalizeOptions(tree, parseOptions(tree, 'k8s', k8sSchema, schema));
  await generateLayer(tree, {
    generator: GENERATOR,
    layer: 'k8s',
    projectRoot: target.root,
    variables: templateVariables(options, target, imageTagOf(tree, target)),
    options: { ...options },
  });
}
