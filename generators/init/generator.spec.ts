import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { versions } from '../../packages/nx/src/versions.js';
import generator from './generator.js';

describe('init (nx add @slipway/nx)', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('pins the plugin and its validators, makes services/* a workspace folder and ignores local data', async () => {
    await generator(tree, { skipInstall: true });
    const pkg = readJson(tree, 'package.json');
    expect(pkg.devDependencies['@slipway/nx']).toBe(versions['@slipway/nx']);
    expect(pkg.devDependencies['@slipway/validate']).toBe(versions['@slipway/validate']);
    expect(pkg.workspaces).toEqual(['services/*']);
    expect(tree.read('.gitignore', 'utf-8')).toContain('.data/');
    expect(readJson(tree, 'nx.json').plugins).toContainEqual({ plugin: '@slipway/nx/plugin', options: {} });
    expect(readJson(tree, 'nx.json').sync).toEqual({ globalGenerators: ['@slipway/nx:sync'] });
  });

  it("adds its sync generator next to the team's own, keeping their sync settings", async () => {
    const nxJson = readJson(tree, 'nx.json');
    tree.write('nx.json', JSON.stringify({ ...nxJson, sync: { applyChanges: false, globalGenerators: ['@acme/tools:ci-bins'] } }));
    await generator(tree, { skipInstall: true });
    expect(readJson(tree, 'nx.json').sync).toEqual({ applyChanges: false, globalGenerators: ['@acme/tools:ci-bins', '@slipway/nx:sync'] });
  });

  it('creates nx.json when the workspace has none, so the plugin is registered', async () => {
    tree.delete('nx.json');
    await generator(tree, { skipInstall: true });
    expect(readJson(tree, 'nx.json').plugins).toEqual([{ plugin: '@slipway/nx/plugin', options: {} }]);
  });

  it('keeps a Slipway plugin entry the team already configured', async () => {
    const nxJson = readJson(tree, 'nx.json');
    const entry = { plugin: '@slipway/nx/plugin', options: { layers: ['tools/slipway'] } };
    tree.write('nx.json', JSON.stringify({ ...nxJson, plugins: [entry] }));
    await generator(tree, { skipInstall: true });
    expect(readJson(tree, 'nx.json').plugins).toEqual([entry]);
  });

  it('keeps the version the user already installed, and the user’s own .gitignore lines', async () => {
    tree.write('.gitignore', '# mine\nsecrets.txt');
    const before = readJson(tree, 'package.json');
    tree.write('package.json', JSON.stringify({ ...before, devDependencies: { '@slipway/nx': '^0.0.9' } }));
    await generator(tree, { skipInstall: true });
    expect(readJson(tree, 'package.json').devDependencies['@slipway/nx']).toBe('^0.0.9');
    expect(tree.read('.gitignore', 'utf-8')).toMatch(/^# mine\nsecrets.txt\nnode_modules\//);
  });

  it('is idempotent', async () => {
    await generator(tree, { skipInstall: true });
    const pkg = tree.read('package.json', 'utf-8');
    const ignore = tree.read('.gitignore', 'utf-8');
    const nxJson = tree.read('nx.json', 'utf-8');
    await generator(tree, { skipInstall: true });
    expect(tree.read('nx.json', 'utf-8')).toBe(nxJson);
    expect(tree.read('package.json', 'utf-8')).toBe(pkg);
    expect(tree.read('.gitignore', 'utf-8')).toBe(ignore);
  });

  it('rejects unknown option types with the option named', async () => {
    await expect(generator(tree, { skipInstall: 'yes' as unknown as boolean })).rejects.toThrow(/--skipInstall/);
  });
});
