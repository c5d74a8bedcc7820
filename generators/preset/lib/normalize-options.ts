import { basename } from 'node:path';
import { readJson, type Tree } from '@nx/devkit';
import type { ParsedPresetOptions } from '../schema.js';

export const GENERATOR = '@slipway/nx:preset';

/** Where services go: the npm workspace folder init registers and new-mcp-service writes to. */
export const SERVICES_DIR = 'services';

export interface NormalizedPresetOptions {
  /** The workspace's name, as its README titles it. */
  readonly name: string;
  readonly service?: string;
  readonly database?: ParsedPresetOptions['database'];
  /** Team layer folder, relative to the workspace root; absent for none. */
  readonly layer?: string;
  readonly skipInstall: boolean;
}

export function normalizeOptions(tree: Tree, options: ParsedPresetOptions): NormalizedPresetOptions {
  const packageName = tree.exists('package.json') ? readJson<{ name?: unknown }>(tree, 'package.json').name : undefined;
  return {
    name: options.name ?? (typeof packageName === 'string' && packageName ? packageName : basename(tree.root) || 'platform'),
    ...(options.service ? { service: options.service } : {}),
    ...(options.database ? { database: options.database } : {}),
    ...(options.layer ? { layer: options.layer } : {}),
    skipInstall: options.skipInstall,
  };
}
