import { readJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { ensureWorkspaceMember, isWorkspaceMember } from './workspace.js';

describe('npm workspace membership (one rule, as npm matches the globs)', () => {
  it.each([
    [['services/**'], 'services/orders', true],
    [['services/**'], 'services/team/orders', true],
    [['./services/*/'], 'services/orders', true],
    [['services/*'], 'services/team/orders', false],
    [['services/orders'], 'services/orders', true],
    [{ packages: ['apps/*'] }, 'apps/api', true],
    [['services/*'], 'apps/api', false],
  ])('workspaces %j list %s: %s', (workspaces, root, member) => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('package.json', JSON.stringify({ name: 'ws', workspaces }));
    expect(isWorkspaceMember(tree, root)).toBe(member);
  });

  it('leaves workspaces ["services/**"] as they are for a service they already list', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('package.json', JSON.stringify({ name: 'ws', workspaces: ['services/**'] }));
    ensureWorkspaceMember(tree, 'services/orders');
    expect(readJson(tree, 'package.json').workspaces).toEqual(['services/**']);
  });

  it('adds the parent folder for a service they do not list', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('package.json', JSON.stringify({ name: 'ws', workspaces: ['libs/*'] }));
    ensureWorkspaceMember(tree, 'services/orders');
    expect(readJson(tree, 'package.json').workspaces).toEqual(['libs/*', 'services/*']);
  });
});
