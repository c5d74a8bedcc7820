import type { Tree } from '@nx/devkit';
import { refuseStdioOnly, resolveDeployTarget, type DeployTarget } from '../../../packages/nx/src/deploy-target.js';
import type { ParsedAzureOptions } from '../schema.js';

export const GENERATOR = '@slipway/nx:azure';

/** Options after defaults and workspace look-ups: what the templates and the answers record use. */
export interface NormalizedAzureOptions {
  readonly project: string;
  /** Absent: the resource group's region (main.bicep's default). */
  readonly location?: string;
  readonly registrySku: ParsedAzureOptions['registrySku'];
  readonly postgres: boolean;
  readonly port: number;
  readonly database: DeployTarget['database'];
}

export function normalizeOptions(tree: Tree, options: ParsedAzureOptions): { options: NormalizedAzureOptions; target: DeployTarget } {
  const target = resolveDeployTarget(tree, 'azure', options.project, { port: options.port, database: options.database });
  refuseStdioOnly(tree, 'azure', target, 'Container Apps');
  return {
    target,
    options: {
      project: options.project,
      ...(options.location !== undefined && { location: options.location }),
      registrySku: options.registrySku,
      postgres: options.postgres ?? target.database !== 'none',
      port: target.port,
      database: target.database,
    },
  };
}
