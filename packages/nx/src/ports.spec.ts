import { logger } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import dockerGenerator from '../../../generators/docker/generator.js';
import k8sGenerator from '../../../generators/k8s/generator.js';
import { generateService } from '../../../generators/spec-support.js';
import { treeFiles } from './testing-support.js';

// Found by generators/fuzz.spec.ts: `docker --port` (or `k8s --port`) with another service's port made
// that service's own port look taken, so re-rendering it (update, the drift check) was refused.
describe('ports of services in one workspace', () => {
  beforeEach(() => vi.spyOn(logger, 'warn').mockImplementation(() => undefined));
  afterEach(() => vi.restoreAllMocks());

  async function twoServices() {
    const tree = createTreeWithEmptyWorkspace();
    await generateService(tree, { name: 'neighbour' });
    await generateService(tree, { name: 'orders' });
    return tree;
  }

  it('docker --port refuses the port another service serves on (compose publishes it), and writes nothing', async () => {
    const tree = await twoServices();
    const before = treeFiles(tree);
    await expect(dockerGenerator(tree, { project: 'orders', port: 3000 })).rejects.toThrow(
      /Invalid options for @slipway\/nx:docker; nothing was written\.\n {2}--port: 3000 is already used by service "neighbour"/,
    );
    expect(treeFiles(tree)).toEqual(before);
  });

  it('k8s --port is a port inside the cluster: it takes none from the services here', async () => {
    const tree = await twoServices();
    await k8sGenerator(tree, { project: 'orders', port: 3000 });
    const before = treeFiles(tree);
    await generateService(tree, { name: 'neighbour', port: 3000 });
    await generateService(tree, { name: 'orders' });
    expect(treeFiles(tree)).toEqual(before);
  });
});
