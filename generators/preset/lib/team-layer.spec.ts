import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { declareTeamLayer } from './team-layer.js';

describe('declareTeamLayer', () => {
  let tree: Tree;
  const declared = (layers?: unknown) =>
    tree.write(
      'nx.json',
      JSON.stringify({ ...readJson(tree, 'nx.json'), plugins: [{ plugin: '@slipway/nx/plugin', ...(layers === undefined ? {} : { options: { layers } }) }] }),
    );
  const layers = () => readJson(tree, 'nx.json').plugins[0].options.layers as unknown;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('adds the folder after those declared, once, comparing them normalized', () => {
    declared(['./tools/base/']);
    declareTeamLayer(tree, 'tools/slipway');
    declareTeamLayer(tree, 'tools/slipway');
    declareTeamLayer(tree, 'tools/base');
    expect(layers()).toEqual(['./tools/base/', 'tools/slipway']);
  });

  it.each(['../team', '/etc', 'tools/../../x', 'tools\\slipway', ''])('refuses the folder %j', (folder) => {
    declared();
    expect(() => declareTeamLayer(tree, folder)).toThrow(/must be a normalized folder inside the workspace/);
    expect(readJson(tree, 'nx.json').plugins[0].options).toBeUndefined();
  });

  it('refuses to extend a declared layer list that leaves the workspace', () => {
    declared(['../../elsewhere']);
    expect(() => declareTeamLayer(tree, 'tools/slipway')).toThrow('plugins[0].options.layers[0]: must stay inside the workspace');
    expect(layers()).toEqual(['../../elsewhere']);
  });
});
