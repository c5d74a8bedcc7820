import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { ScratchTree } from './scratch-tree.js';

function workspace() {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('services/orders/a.txt', 'a');
  tree.write('services/orders/src/b.ts', 'b');
  return tree;
}

describe('ScratchTree: writes stay in memory, reads go through', () => {
  it('reads the tree below until written, and never changes it', () => {
    const under = workspace();
    const before = under.listChanges().map((c) => [c.path, c.content?.toString()]);
    const scratch = new ScratchTree(under);
    expect(scratch.read('services/orders/a.txt', 'utf-8')).toBe('a');
    scratch.write('./services/orders/a.txt', 'A');
    scratch.write('services/orders/new.txt', 'n');
    scratch.delete('services/orders/src');
    scratch.rename('services/orders/new.txt', 'services/orders/renamed.txt');
    expect(scratch.read('services/orders/a.txt', 'utf-8')).toBe('A');
    expect(scratch.exists('services/orders/src/b.ts')).toBe(false);
    // A folder whose files were all deleted is gone, as in the devkit's own trees.
    expect(scratch.exists('services/orders/src')).toBe(false);
    expect(scratch.children('services/orders')).toEqual(['a.txt', 'renamed.txt']);
    expect(under.listChanges().map((c) => [c.path, c.content?.toString()])).toEqual(before);
  });

  it('lists its own changes over the tree’s, which devkit helpers read', () => {
    const scratch = new ScratchTree(workspace());
    scratch.write('services/orders/a.txt', 'A');
    scratch.delete('services/orders/src/b.ts');
    scratch.write('services/orders/c.txt', 'c');
    const changes = Object.fromEntries(scratch.listChanges().map((c) => [c.path, [c.type, c.content?.toString() ?? null]]));
    expect(changes['services/orders/a.txt']).toEqual(['UPDATE', 'A']);
    expect(changes['services/orders/src/b.ts']).toEqual(['DELETE', null]);
    expect(changes['services/orders/c.txt']).toEqual(['CREATE', 'c']);
  });

  it('knows when a write could change the project graph', () => {
    const scratch = new ScratchTree(workspace());
    scratch.write('services/orders/a.txt', 'A');
    expect(scratch.touchesProjectFiles()).toBe(false);
    scratch.write('services/orders/project.json', '{}');
    expect(scratch.touchesProjectFiles()).toBe(true);
  });
});
