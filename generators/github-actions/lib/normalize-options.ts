import type { Tree } from '@nx/devkit';
import { resolveDeployTarget } from '../../../packages/nx/src/deploy-target.js';
import type { ParsedGithubActionsOptions } from '../schema.js';
import { assertDeployableName, resolveDelivery, type Delivery } from '../../../packages/nx/src/deployment/delivery.js';

export const GENERATOR = '@slipway/nx:github-actions';

/** How the workflows authenticate to the registry, decided from its host. */
export type RegistryKind = 'ghcr' | 'acr' | 'other';

/** Options after defaults and workspace look-ups: what the generator and the answers record use. */
export interface NormalizedGithubActionsOptions {
  readonly project: string;
  readonly registry: string;
  readonly azure: boolean;
  readonly environments: readonly string[];
}

export interface GithubActionsContext {
  readonly options: NormalizedGithubActionsOptions;
  readonly delivery: Delivery;
  readonly registryKind: RegistryKind;
}

export function registryKind(registry: string): RegistryKind {
  const host = registry.split('/')[0]!;
  if (host === 'ghcr.io') return 'ghcr';
  return host.endsWith('.azurecr.io') ? 'acr' : 'other';
}

export function normalizeOptions(tree: Tree, parsed: ParsedGithubActionsOptions): GithubActionsContext {
  const target = resolveDeployTarget(tree, 'github-actions', parsed.project);
  assertDeployableName(GENERATOR, target.project);
  const options: NormalizedGithubActionsOptions = {
    project: target.project,
    registry: parsed.registry,
    azure: parsed.azure,
    environments: parsed.environments,
  };
  return {
    options,
    delivery: resolveDelivery(tree, 'github-actions', target, parsed.environments, parsed.azure),
    registryKind: registryKind(parsed.registry),
  };
}
