import type { Tree } from '@nx/devkit';
import { renderLayer, type RenderedFile } from '../../../packages/nx/src/render.js';
import type { NormalizedPresetOptions } from './normalize-options.js';

// The welcome page `nx new` writes (create-nx-workspace); any other README is the user's.
const NX_WELCOME_README = 'Your new, shiny [Nx workspace](https://nx.dev)';

/**
 * The standard layout's files (templates/preset): the root README, services/README.md and, when
 * asked, the team layer skeleton. All are the user's from the start, so a re-run never rewrites them.
 */
export function layoutFiles(options: NormalizedPresetOptions): RenderedFile[] {
  const variables = { name: options.name, withLayer: options.layer !== undefined, layerPath: options.layer ?? '' };
  return renderLayer('preset', variables).map((file) => ({ ...file, writeOnce: true }));
}

/** Nx's stock README says nothing about this workspace: the platform README takes its place. */
export function dropNxWelcomeReadme(tree: Tree): void {
  if (tree.read('README.md', 'utf-8')?.includes(NX_WELCOME_README)) tree.delete('README.md');
}
