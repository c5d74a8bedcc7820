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
