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

/**
 * The Tree's files with their text, for byte-for-byte comparisons in specs: all of them, or
 * those whose path starts with one of the prefixes.
 */
export function treeFiles(tree: Tree, ...prefixes: string[]): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (dir: string): void => {
    for (const child of tree.children(dir)) {
      const path = dir ? `${dir}/${child}` : child;
      if (!tree.isFile(path)) visit(path);
      else if (prefixes.length === 0 || prefixes.some((p) => path.startsWith(p))) files.set(path, tree.read(path, 'utf-8')!);
    }
  };
  visit('');
  return files;
}
