import type { Tree } from '@nx/devkit';
import { readGeneratorRecord } from '../../../packages/nx/src/answers.js';
import { refuseStdioOnly, resolveDeployTarget, type DeployTarget } from '../../../packages/nx/src/deploy-target.js';
import { containerProbeOf } from '../../../packages/nx/src/deployment/project.js';
import type { ParsedComposeOptions } from '../schema.js';

export const GENERATOR = '@slipway/nx:compose';

/** What the answers record keeps: enough to render the same files again. */
export type NormalizedComposeOptions = {
  readonly project: string;
  readonly redis: boolean;
  readonly monitoring: boolean;
};

export interface ComposeGeneration {
  readonly options: NormalizedComposeOptions;
  readonly target: DeployTarget;
}

/** Options given now win; then what was chosen last time; then off. Port and health path follow the Dockerfile's. */
export function normalizeOptions(tree: Tree, parsed: ParsedComposeOptions): ComposeGeneration {
  const located = resolveDeployTarget(tree, 'compose', parsed.project);
  refuseStdioOnly(tree, 'compose', located, 'a compose service with an HTTP health check and a published port');
  const target = resolveDeployTarget(tree, 'compose', parsed.project, containerProbeOf(tree, located.root));
  const previous = readGeneratorRecord(tree, target.root, GENERATOR)?.options ?? {};
  const sticky = (given: boolean | undefined, key: string): boolean => given ?? previous[key] === true;
  return {
    target,
    options: { project: target.project, redis: sticky(parsed.redis, 'redis'), monitoring: sticky(parsed.monitoring, 'monitoring') },
  };
}
