import type { GeneratorCallback, Tree } from '@nx/devkit';
import { runGenerator } from '../../../packages/nx/src/generator-registry.js';
import { defaultDeployTargetNames, type DeployTargetName } from '../../../packages/nx/src/generator-table.js';
import type { NormalizedNewMcpServiceOptions } from './normalize-options.js';

/** The deployment targets to compose: as asked, else the default set (none for a stdio-only service). */
export function deployTargetsFor(options: NormalizedNewMcpServiceOptions, asked: readonly DeployTargetName[] | undefined): readonly DeployTargetName[] {
  if (asked) return asked;
  return options.transport === 'stdio' ? [] : defaultDeployTargetNames;
}

/**
 * Runs each deployment generator on the new service, as `nx g @slipway/nx:<target> <name>` would.
 * Each records its own generation, so `update` and the drift check treat them separately.
 */
export async function composeDeployTargets(tree: Tree, project: string, targets: readonly DeployTargetName[]): Promise<GeneratorCallback[]> {
  const tasks: GeneratorCallback[] = [];
  for (const target of targets) {
    const task = await runGenerator(tree, target, { project });
    if (task) tasks.push(task);
  }
  return tasks;
}
