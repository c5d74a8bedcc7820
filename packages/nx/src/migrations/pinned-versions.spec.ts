import { readJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { writeGeneratorRecord } from '../answers.js';
import { nodeBaseImages, versions } from '../versions.js';
import migrate from './pinned-versions.js';

const OLD_DIGEST = `sha256:${'0'.repeat(64)}`;

describe('migration: pinned versions', () => {
  it('re-pins the runtime and the Node base image of managed services only, and is idempotent', () => {
    const tree = createTreeWithEmptyWorkspace();
    for (const name of ['orders', 'handmade']) {
      tree.write(`services/${name}/project.json`, JSON.stringify({ name, root: `services/${name}` }));
      tree.write(`services/${name}/package.json`, JSON.stringify({ name, dependencies: { '@slipway/mcp-runtime': '0.0.1', zod: '4.0.0' } }));
      tree.write(`services/${name}/Dockerfile`, `# team comment\nFROM node:22-bookworm-slim@${OLD_DIGEST} AS base\nRUN echo hi\n`);
    }
    const record = { version: '0.0.1', options: {}, files: {} };
    writeGeneratorRecord(tree, 'services/orders', '@slipway/nx:new-mcp-service', record);
    writeGeneratorRecord(tree, 'services/orders', '@slipway/nx:docker', record);

    expect(migrate(tree)).toHaveLength(2);
    expect(readJson(tree, 'services/orders/package.json').dependencies).toEqual({ '@slipway/mcp-runtime': versions['@slipway/mcp-runtime'], zod: '4.0.0' });
    const image = nodeBaseImages['22'];
    expect(tree.read('services/orders/Dockerfile', 'utf-8')).toBe(`# team comment\nFROM ${image.name}:${image.tag}@${image.digest} AS base\nRUN echo hi\n`);
    expect(readJson(tree, 'services/handmade/package.json').dependencies['@slipway/mcp-runtime']).toBe('0.0.1');
    expect(tree.read('services/handmade/Dockerfile', 'utf-8')).toContain(OLD_DIGEST);
    expect(migrate(tree)).toEqual([]);
  });

  it.each(['^0.0.1', '~0.0.1', 'v0.0.1', '99.0.0', 'workspace:*'])('leaves a runtime version the team chose alone: %s', (chosen) => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('services/orders/project.json', JSON.stringify({ name: 'orders', root: 'services/orders' }));
    tree.write('services/orders/package.json', JSON.stringify({ name: 'orders', dependencies: { '@slipway/mcp-runtime': chosen } }));
    writeGeneratorRecord(tree, 'services/orders', '@slipway/nx:new-mcp-service', { version: '0.0.1', options: {}, files: {} });
    expect(migrate(tree)).toEqual([]);
    expect(readJson(tree, 'services/orders/package.json').dependencies['@slipway/mcp-runtime']).toBe(chosen);
  });
});
