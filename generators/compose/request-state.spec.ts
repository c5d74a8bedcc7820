import { logger, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse } from 'yaml';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { validateFiles } from '../../packages/validate/src/index.js';
import { treeFiles } from '../../packages/nx/src/testing-support.js';
import { generateService } from '../spec-support.js';
import generator from './generator.js';

type Compose = { services: Record<string, { environment?: Record<string, unknown> }> };

const read = (tree: Tree, path: string) => parse(tree.read(path, 'utf-8')!) as Compose;

async function problems(tree: Tree, root: string) {
  const files = new Map([...treeFiles(tree)].filter(([p]) => p.startsWith(`${root}/`)).map(([p, t]) => [p.slice(root.length + 1), t]));
  return validateFiles('compose', files);
}

describe('compose: REQUEST_STATE_KEYS in production', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.write('package-lock.json', '{}\n');
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });

  it.each(['postgres', 'none'] as const)(
    'the production service requires it from the environment, never a written value; the rest stays without it (database %s)',
    async (database) => {
      await generateService(tree, { database });
      await generator(tree, { project: 'orders', monitoring: true });
      const prod = read(tree, 'services/orders/compose.prod.yaml');
      expect(prod.services['orders']!.environment!['REQUEST_STATE_KEYS']).toBe(
        '${REQUEST_STATE_KEYS:?set REQUEST_STATE_KEYS to a key of at least 32 bytes, e.g. from openssl rand -base64 48}',
      );
      // Only the serving container signs states; development uses a per-process key (NODE_ENV is not production).
      for (const [name, service] of Object.entries(prod.services))
        if (name !== 'orders') expect(service.environment ?? {}).not.toHaveProperty('REQUEST_STATE_KEYS');
      expect(tree.read('services/orders/compose.yaml', 'utf-8')).not.toContain('REQUEST_STATE_KEYS');
      const header = tree.read('services/orders/compose.prod.yaml', 'utf-8')!.split('services:')[0]!;
      expect(header).toContain('#   REQUEST_STATE_KEYS=... \\');
      expect(header).toMatch(/To rotate: <old>,<new>, then <new>,<old>, then <new> 10 minutes later/);
      expect(await problems(tree, 'services/orders')).toEqual([]);
    },
  );

  it('leaves an adopted project (not on the Slipway runtime) without it', async () => {
    tree.write('apps/legacy/project.json', JSON.stringify({ name: 'legacy', root: 'apps/legacy' }));
    tree.write('apps/legacy/package.json', JSON.stringify({ name: 'legacy', scripts: { build: 'tsc', start: 'node dist/index.js' } }));
    tree.write('apps/legacy/package-lock.json', '{}\n');
    await generator(tree, { project: 'legacy' });
    expect(tree.read('apps/legacy/compose.prod.yaml', 'utf-8')).not.toContain('REQUEST_STATE_KEYS');
    expect(await problems(tree, 'apps/legacy')).toEqual([]);
  });
});
