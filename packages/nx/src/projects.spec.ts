import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { projects } from './projects.js';
import { ScratchTree } from './scratch-tree.js';

describe('projects', () => {
  it('reads the project graph once per tree state, and again after a project is added', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('apps/a/project.json', JSON.stringify({ name: 'a', root: 'apps/a' }));
    const first = projects(tree);
    expect(projects(tree)).toBe(first);
    tree.write('apps/b/project.json', JSON.stringify({ name: 'b', root: 'apps/b' }));
    expect([...projects(tree).keys()].sort()).toEqual(['a', 'b']);
  });

  // The old key, the number of pending changes, is equal before and after each of these.
  it('sees a project created after a delete left the number of changes as it was', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('apps/tmp/README.md', 'x');
    expect(projects(tree).has('b')).toBe(false);
    const count = tree.listChanges().length;
    tree.delete('apps/tmp/README.md');
    tree.write('apps/b/project.json', JSON.stringify({ name: 'b', root: 'apps/b' }));
    expect(tree.listChanges()).toHaveLength(count);
    expect(projects(tree).has('b')).toBe(true);
  });

  it('sees a project renamed in its project.json', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('apps/a/project.json', JSON.stringify({ name: 'a', root: 'apps/a' }));
    expect([...projects(tree).keys()]).toEqual(['a']);
    tree.write('apps/a/project.json', JSON.stringify({ name: 'renamed', root: 'apps/a' }));
    expect([...projects(tree).keys()]).toEqual(['renamed']);
  });

  it('keeps the graph it read while only non-project files change', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('apps/a/project.json', JSON.stringify({ name: 'a', root: 'apps/a' }));
    const first = projects(tree);
    tree.write('apps/a/src/main.ts', 'export {};');
    tree.write('apps/a/README.md', '# a');
    expect(projects(tree)).toBe(first);
    tree.delete('apps/a/project.json');
    expect(projects(tree).has('a')).toBe(false);
  });

  it('a scratch tree that writes no project files shares its underlying tree’s graph', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('apps/a/project.json', JSON.stringify({ name: 'a', root: 'apps/a' }));
    const scratch = new ScratchTree(tree);
    scratch.write('apps/a/README.md', 'x');
    expect(projects(scratch)).toBe(projects(tree));
    scratch.write('apps/c/project.json', JSON.stringify({ name: 'c', root: 'apps/c' }));
    expect(projects(scratch).has('c')).toBe(true);
    expect(projects(tree).has('c')).toBe(false);
  });
});
