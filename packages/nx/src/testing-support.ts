import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Tree } from '@nx/devkit';

/** Writes an in-memory Tree's pending changes to the folder at `tree.root` (for specs that need git or disk). */
export function flushToDisk(tree: Tree): void {
  for (const change of tree.listChanges()) {
    const path = join(tree.root, change.path);
    if (change.type === 'DELETE') rmSync(path, { force: true });
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, change.content ?? '');
    }
  }
}
