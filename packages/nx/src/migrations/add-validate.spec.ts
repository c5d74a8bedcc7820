import { readJson, writeJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { versions } from '../versions.js';
import addValidate from './add-validate.js';

interface Manifest {
  devDependencies?: Record<string, string>;
}

describe('add-validate migration', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    writeJson(tree, 'package.json', { name: 'platform', private: true, devDependencies: { '@slipway/nx': versions['@slipway/nx'], nx: '24.0.6' } });
  });

  it('pins @slipway/validate where a workspace made before it lacks it, and installs', () => {
    const install = addValidate(tree);
    expect(readJson<Manifest>(tree, 'package.json').devDependencies).toEqual({
      '@slipway/nx': versions['@slipway/nx'],
      '@slipway/validate': versions['@slipway/validate'],
      nx: '24.0.6',
    });
    expect(install).toBeTypeOf('function');
  });

  it("keeps a version the team pins, and changes nothing when it's there", () => {
    writeJson(tree, 'package.json', { name: 'platform', devDependencies: { '@slipway/validate': '0.0.9' } });
    const before = tree.read('package.json', 'utf-8');
    expect(addValidate(tree)).toBeUndefined();
    expect(tree.read('package.json', 'utf-8')).toBe(before);
  });
});
