import type { GeneratorCallback, Tree } from '@nx/devkit';
import { generateLayer } from '../../packages/nx/src/generate-layer.js';
import { parseOptions } from '../../packages/nx/src/options.js';
import { GENERATOR, normalizeOptions } from './lib/normalize-options.js';
import { templateVariables } from './lib/template-variables.js';
import { githubActionsSchema, type GithubActionsSchema } from './schema.js';

/**
 * `nx g @slipway/nx:github-actions <project>`: the workspace CI workflow and the service's delivery
 * workflow. Both live under the workspace's .github/, so the layer renders at the workspace root and
 * is recorded in the project's answers file. ci.yml does not depend on the project: every service
 * renders the same bytes, so a second service finds it unchanged instead of conflicting.
 */
export default async function githubActionsGenerator(tree: Tree, schema: GithubActionsSchema): Promise<GeneratorCallback | void> {
  const context = normalizeOptions(tree, parseOptions(tree, 'github-actions', githubActionsSchema, schema));
  await generateLayer(tree, {
    generator: GENERATOR,
    layer: 'github',
    projectRoot: context.delivery.root,
    base: '',
    variables: templateVariables(context),
    options: { ...context.options },
  });
}
