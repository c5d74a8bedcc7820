import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { readGeneratorRecord } from './answers.js';
import { recordedHash } from './file-ownership.js';
import { captureRenders, generateLayer, type LayerGeneration } from './generate-layer.js';
import { slipwayVersion } from './package-paths.js';

const generation: LayerGeneration = {
  generator: '@slipway/nx:docker',
  layer: [],
  projectRoot: 'services/orders',
  variables: {},
  options: { project: 'orders' },
  extraFiles: [
    { path: 'Dockerfile', content: 'FROM node\n', writeOnce: false },
    { path: 'notes.md', content: '# notes\n', writeOnce: true },
  ],
};

describe('generateLayer', () => {
  it('writes the files and records version, options and the hash of each', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await generateLayer(tree, generation);
    expect(tree.read('services/orders/Dockerfile', 'utf-8')).toBe('FROM node\n');
    expect(readGeneratorRecord(tree, 'services/orders', '@slipway/nx:docker')).toEqual({
      version: slipwayVersion,
      options: { project: 'orders' },
      files: Object.fromEntries(generation.extraFiles!.map((f) => [f.path, recordedHash(f)])),
    });
  });

  it('records a base outside the project root, and reads its previous record on a re-run', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const elsewhere = { ...generation, base: '' };
    await generateLayer(tree, elsewhere);
    expect(tree.exists('Dockerfile')).toBe(true);
    tree.write('Dockerfile', 'FROM mine\n');
    const rerun = await generateLayer(tree, elsewhere);
    expect(rerun.outcomes).toContainEqual({ path: 'Dockerfile', outcome: 'kept-user-edit' });
    expect(readGeneratorRecord(tree, 'services/orders', '@slipway/nx:docker')?.base).toBe('');
  });

  it('under captureRenders, reports the files it would write and writes nothing', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const before = tree.listChanges().length;
    const [captured] = await captureRenders(async () => generateLayer(tree, generation));
    expect(captured).toMatchObject({ generator: '@slipway/nx:docker', projectRoot: 'services/orders', base: 'services/orders' });
    expect(captured!.files.map((f) => f.path)).toEqual(['Dockerfile', 'notes.md']);
    expect(tree.listChanges()).toHaveLength(before);
  });
});
