import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { restoreTeamLayer, teamDefaults, teamLayers, validateTeamLayers } from './team-layers.js';
import { UntrustedFileError } from './untrusted.js';

const LAYER = 'tools/slipway';

describe('team layer files are validated before use', () => {
  let tree: Tree;
  const declare = (layers: unknown) =>
    tree.write('nx.json', JSON.stringify({ ...readJson(tree, 'nx.json'), plugins: ['@nx/js', { plugin: '@slipway/nx/plugin', options: { layers } }] }));

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.write(`${LAYER}/slipway-layer.json`, JSON.stringify({ name: 'acme', version: '1.0.0', description: 'ours' }));
    tree.write(`${LAYER}/defaults.json`, JSON.stringify({ 'new-mcp-service': { database: 'postgres' } }));
  });

  it('reads a sound layer, with "./x/" normalized', () => {
    declare([`./${LAYER}/`]);
    expect(teamLayers(tree)).toMatchObject([{ path: LAYER, name: 'acme', version: '1.0.0' }]);
    expect(teamDefaults(tree, 'new-mcp-service')).toEqual({ database: 'postgres' });
    expect(teamDefaults(tree, 'constructor')).toEqual({});
  });

  it.each([
    [['../team'], 'plugins[1].options.layers[0]: must stay inside the workspace'],
    [['/etc'], 'plugins[1].options.layers[0]: must be relative to the workspace, not absolute'],
    [[LAYER, 'C:/team'], 'plugins[1].options.layers[1]: must be relative to the workspace, not absolute'],
    [['tools/$(id)'], 'plugins[1].options.layers[0]: may contain only letters'],
    [LAYER, 'plugins[1].options.layers: must be a list of folders'],
  ])('refuses the declared layers %j, naming nx.json and the field', (layers, message) => {
    declare(layers);
    expect(() => teamLayers(tree)).toThrow(UntrustedFileError);
    expect(() => teamLayers(tree)).toThrow(/^nx\.json is not valid/);
    expect(() => teamLayers(tree)).toThrow(message);
  });

  it.each([
    [{ name: 'acme', version: 'latest' }, 'version: must be an exact version'],
    [{ name: 'acme', version: '../../x' }, 'version: must be an exact version'],
    [{ name: 'acme\u001b]0;pwned\u0007', version: '1.0.0' }, 'name: must be'],
    [['acme'], '(the whole file)'],
  ])('refuses the manifest %j', (manifest, message) => {
    declare([LAYER]);
    tree.write(`${LAYER}/slipway-layer.json`, JSON.stringify(manifest));
    expect(() => teamLayers(tree)).toThrow(`${LAYER}/slipway-layer.json is not valid`);
    expect(() => teamLayers(tree)).toThrow(message);
  });

  it.each([
    [['postgres'], '(the whole file): must be an object of option defaults by generator'],
    [{ 'new-mcp-service': 'postgres' }, '["new-mcp-service"]: must be a JSON object'],
  ])('refuses the defaults %j, also when validating up front', (defaults, message) => {
    declare([LAYER]);
    tree.write(`${LAYER}/defaults.json`, JSON.stringify(defaults));
    expect(() => teamDefaults(tree, 'docker')).toThrow(`${LAYER}/defaults.json is not valid`);
    expect(() => validateTeamLayers(tree)).toThrow(message);
  });

  it('restores no layer from a path outside the workspace', () => {
    expect(() => restoreTeamLayer(tree, { path: '/etc', name: 'x', hash: `sha256:${'0'.repeat(64)}` })).toThrow(UntrustedFileError);
    expect(() => restoreTeamLayer(tree, { path: '../x', name: 'x', hash: `sha256:${'0'.repeat(64)}` })).toThrow(/not a folder inside the workspace/);
  });
});
