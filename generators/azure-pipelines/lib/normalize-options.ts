import type { Tree } from '@nx/devkit';
import { resolveDeployTarget, type DeployTarget } from '../../../packages/nx/src/deploy-target.js';
import { assertDeployableName, resolveDelivery, type Delivery } from '../../../packages/nx/src/deployment/delivery.js';
import type { ParsedAzurePipelinesOptions } from '../schema.js';

export const GENERATOR = '@slipway/nx:azure-pipelines';

/** Options after defaults and workspace look-ups: what the generator and the answers record use. */
export interface NormalizedAzurePipelinesOptions {
  readonly project: string;
  readonly serviceConnection: string;
  readonly registryConnection: string;
  readonly environments: readonly string[];
}

export interface AzurePipelinesContext {
  readonly options: NormalizedAzurePipelinesOptions;
  readonly target: DeployTarget;
  readonly delivery: Delivery;
}

export function normalizeOptions(tree: Tree, parsed: ParsedAzurePipelinesOptions): AzurePipelinesContext {
  const target = resolveDeployTarget(tree, 'azure-pipelines', parsed.project);
  assertDeployableName(GENERATOR, target.project);
  return {
    options: {
      project: target.project,
      serviceConnection: parsed.serviceConnection ?? `${target.project}-azure`,
      registryConnection: parsed.registryConnection ?? `${target.project}-registry`,
      environments: parsed.environments,
    },
    target,
    delivery: resolveDelivery(tree, 'azure-pipelines', target, parsed.environments, true),
  };
}
