import type { Tree } from '@nx/devkit';
import { readGeneratorRecord } from './answers.js';

/** What a service's preset needs from the infrastructure the deployment generators produce. */
export interface PresetRequirements {
  /**
   * PostgreSQL extensions the service's migrations create. For `vector`: the pgvector image in
   * compose/CI, and `VECTOR` in the `azure.extensions` server parameter on Flexible Server.
   */
  readonly postgresExtensions: readonly 'vector'[];
}

const REQUIREMENTS: Readonly<Record<string, PresetRequirements>> = {
  minimal: { postgresExtensions: [] },
  retail: { postgresExtensions: ['vector'] },
};

/** The requirements of the service at `projectRoot`, from the preset its answers record names. */
export function presetRequirements(tree: Tree, projectRoot: string): PresetRequirements {
  const preset = readGeneratorRecord(tree, projectRoot, '@slipway/nx:new-mcp-service')?.options['preset'];
  return REQUIREMENTS[typeof preset === 'string' ? preset : 'minimal'] ?? REQUIREMENTS['minimal']!;
}
