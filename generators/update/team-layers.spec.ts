import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readGeneratorRecord } from '../../packages/nx/src/answers.js';
import { flushToDisk } from '../../packages/nx/src/testing-support.js';
import newMcpService from '../new-mcp-service/generator.js';
import update from './generator.js';

const LAYER = 'tools/slipway';
const README = (version: string) => `# <%- title %> (ACME platform, layer ${version})\n\nOwned by the payments team.\n`;

function useTeamLayer(tree: Tree): void {
  const nxJson = readJson(tree, 'nx.json');
  tree.write('nx.json', JSON.stringify({ ...nxJson, plugins: [{ plugin: '@slipway/nx/plugin', options: { layers: [LAYER] } }] }, null, 2));
  tree.write(`${LAYER}/slipway-layer.json`, JSON.stringify({ name: 'acme', version: '1.0.0' }));
  tree.write(`${LAYER}/defaults.json`, JSON.stringify({ 'new-mcp-service': { database: 'postgres', tags: ['team:payments'] } }));
  tree.write(`${LAYER}/templates/server/README.md.ejs`, README('1'));
}

describe('team layers', () => {
  let tree: Tree;
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, stdio: 'pipe' });

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'slipway-layer-'));
    tree = createTreeWithEmptyWorkspace();
    // The layer's history lives in git, so the tree must sit on a real repository.
    Object.defineProperty(tree, 'root', { value: repo });
    execFileSync('git', ['init', '-q'], { cwd: repo });
    useTeamLayer(tree);
  });

  afterEach(() => {
    rmSync(repo, { recursive: true, force: true });
    process.exitCode = undefined;
  });

  it("overlays the team's files and defaults on ours, explicit options winning, and records the layer", async () => {
    await newMcpService(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
    expect(tree.read('services/orders/README.md', 'utf-8')).toBe('# Orders (ACME platform, layer 1)\n\nOwned by the payments team.\n');
    expect(tree.read('services/orders/src/config.ts', 'utf-8')).toContain('DATABASE_URL: z.string().url()');
    const record = readGeneratorRecord(tree, 'services/orders', '@slipway/nx:new-mcp-service')!;
    expect(record.options['tags']).toEqual(['team:payments', 'type:mcp-service']);
    expect(record.layers).toEqual([{ path: LAYER, name: 'acme', version: '1.0.0', hash: expect.stringMatching(/^sha256:/) }]);

    await newMcpService(tree, { name: 'billing', database: 'pglite', skipInstall: true });
    expect(tree.read('services/billing/src/config.ts', 'utf-8')).not.toContain('DATABASE_URL: z.string().url()');
  });

  it('updates a service when the team layer changes, merging with the owner’s edits', async () => {
    await newMcpService(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
    flushToDisk(tree);
    git('add', '-A');
    git('commit', '-qm', 'layer 1 and orders');

    tree.write('services/orders/README.md', `${tree.read('services/orders/README.md', 'utf-8')}\nRun book: wiki/orders\n`);
    tree.write(`${LAYER}/templates/server/README.md.ejs`, README('2'));
    tree.write(`${LAYER}/slipway-layer.json`, JSON.stringify({ name: 'acme', version: '2.0.0' }));
    flushToDisk(tree);
    git('add', '-A');
    git('commit', '-qm', 'layer 2');

    await (
      await update(tree, { project: 'orders' })
    )();
    expect(tree.read('services/orders/README.md', 'utf-8')).toBe('# Orders (ACME platform, layer 2)\n\nOwned by the payments team.\n\nRun book: wiki/orders\n');
    expect(readGeneratorRecord(tree, 'services/orders', '@slipway/nx:new-mcp-service')?.layers?.[0]?.version).toBe('2.0.0');
    expect(process.exitCode).toBeUndefined();
  });
});
