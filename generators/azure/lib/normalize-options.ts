import type { Tree } from '@nx/devkit';
import { readGeneratorRecord } from '../../../packages/nx/src/answers.js';
import { resolveDeployTarget, SERVICE_GENERATOR, type DeployTarget } from '../../../packages/nx/src/deploy-target.js';
import { OptionsError } from '../../../packages/nx/src/options.js';
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
  if (readGeneratorRecord(tree, target.root, SERVICE_GENERATOR)?.options['transport'] === 'stdio') {
    throw new OptionsError(
      `Invalid options for ${GENERATOR}; nothing was written.\n  --project: ${options.project} serves MCP over stdio only; Container Apps needs the HTTP transport (re-run new-mcp-service with --transport=both).`,
    );
  }
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
