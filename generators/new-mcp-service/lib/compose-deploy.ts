import type { GeneratorCallback, Tree } from '@nx/devkit';
import { generatorsByKey } from '../../../packages/nx/src/generator-registry.js';
import { defaultDeployTargets, type DeployTarget } from '../schema.js';
import type { NormalizedNewMcpServiceOptions } from './normalize-options.js';

/** The deployment targets to compose: as asked, else the default set (none for a stdio-only service). */
export function deployTargetsFor(options: NormalizedNewMcpServiceOptions, asked: readonly DeployTarget[] | undefined): readonly DeployTarget[] {
  if (asked) return asked;
  return options.transport === 'stdio' ? [] : defaultDeployTargets;
}

/**
 * Runs each deployment generator on the new service, as `nx g @slipway/nx:<target> <name>` would.
 * Each records its own generation, so `update` and the drift check treat them separately.
 */
export async function composeDeployTargets(tree: Tree, project: string, targets: readonly DeployTarget[]): Promise<GeneratorCallback[]> {
  const tasks: GeneratorCallback[] = [];
  for (const target of targets) {
    const generator = await generatorsByKey[`@slipway/nx:${target}`]!();
    const task = await generator(tree, { project });
    if (typeof task === 'function') tasks.push(task as GeneratorCallback);
  }
  return tasks;
}
