import type { Tree } from '@nx/devkit';
import { treeFiles } from '../../packages/nx/src/testing-support.js';

/** The generated Azure files (infra/ and azure.yaml), by path relative to the project root: what the validators read. */
export function azureFiles(tree: Tree, root: string): Map<string, string> {
  return new Map(
    [...treeFiles(tree)].filter(([p]) => p.startsWith(`${root}/infra/`) || p === `${root}/azure.yaml`).map(([p, t]) => [p.slice(root.length + 1), t]),
  );
}
