import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { setDefaults, type Schema } from 'nx/src/utils/params';
import { beforeEach, describe, expect, it } from 'vitest';
import composeGenerator from './compose/generator.js';
import dockerGenerator from './docker/generator.js';
import k8sGenerator from './k8s/generator.js';
import { generateService } from './spec-support.js';
import githubActionsGenerator from './github-actions/generator.js';

/** The options `nx g @slipway/nx:<generator>` passes: what was typed, plus schema.json's defaults (Nx's own setDefaults). */
function asNxPasses(generator: string, typed: Record<string, unknown>): Record<string, unknown> {
  const schema = JSON.parse(readFileSync(join(import.meta.dirname, generator, 'schema.json'), 'utf8')) as Schema;
  return setDefaults({ ...typed }, schema);
}

const LAYER = 'tools/slipway';

/** A team layer whose defaults.json holds `defaults`, declared in nx.json as `nx add` would. */
function declareTeamDefaults(tree: Tree, defaults: Record<string, Record<string, unknown>>): void {
  tree.write(`${LAYER}/slipway-layer.json`, JSON.stringify({ name: 'acme', version: '1.0.0' }));
  tree.write(`${LAYER}/defaults.json`, JSON.stringify(defaults));
  tree.write('nx.json', JSON.stringify({ ...readJson(tree, 'nx.json'), plugins: [{ plugin: '@slipway/nx/plugin', options: { layers: [LAYER] } }] }));
}

// parseOptions always gets the tree, so a team's defaults.json reaches a generator run on its own
// (`nx g @slipway/nx:docker orders`), not only the ones new-mcp-service and preset run.
describe('team defaults reach every generator run directly', () => {
  let tree: Tree;

  beforeEach(async () => {
    tree = createTreeWithEmptyWorkspace();
    tree.write('package-lock.json', '{}\n');
    await generateService(tree);
  });

  it('docker: {"docker": {"nodeVersion": "24"}} gives FROM node:24', async () => {
    declareTeamDefaults(tree, { docker: { nodeVersion: '24' } });
    await dockerGenerator(tree, { project: 'orders' });
    expect(tree.read('services/orders/Dockerfile', 'utf-8')).toMatch(/^FROM node:24-bookworm-slim@sha256:/m);
  });

  it('an option given on the command line still wins over the team default', async () => {
    declareTeamDefaults(tree, { docker: { nodeVersion: '24' } });
    await dockerGenerator(tree, { project: 'orders', nodeVersion: '22' });
    expect(tree.read('services/orders/Dockerfile', 'utf-8')).toMatch(/^FROM node:22-bookworm-slim@sha256:/m);
  });

  it('compose and k8s read theirs too', async () => {
    declareTeamDefaults(tree, { compose: { redis: true }, k8s: { replicas: 4 } });
    await composeGenerator(tree, { project: 'orders' });
    await k8sGenerator(tree, { project: 'orders' });
    expect(tree.read('services/orders/compose.yaml', 'utf-8')).toMatch(/^ {2}redis:$/m);
    const answers = readJson<{ records: Record<string, { options: Record<string, unknown> }> }>(tree, 'services/orders/.slipway-answers.json');
    expect(answers.records['@slipway/nx:k8s']!.options['replicas']).toBe(4);
  });

  // Nx fills schema.json's defaults in as if typed, so a default there would hide the team's.
  it('through the Nx CLI too: schema.json leaves the defaults to zod, so the team default is not overridden', async () => {
    declareTeamDefaults(tree, { k8s: { replicas: 4, progressiveDelivery: 'canary' }, 'github-actions': { azure: false, registry: 'acme.azurecr.io' } });
    await k8sGenerator(tree, asNxPasses('k8s', { project: 'orders' }) as { project: string });
    await githubActionsGenerator(tree, asNxPasses('github-actions', { project: 'orders' }) as { project: string });
    const records = readJson<{ records: Record<string, { options: Record<string, unknown> }> }>(tree, 'services/orders/.slipway-answers.json').records;
    expect(records['@slipway/nx:k8s']!.options).toMatchObject({ replicas: 4, progressiveDelivery: 'canary' });
    expect(records['@slipway/nx:github-actions']!.options).toMatchObject({ azure: false, registry: 'acme.azurecr.io' });
  });

  it('a bad team default is refused like a bad option, naming the generator and the option', async () => {
    declareTeamDefaults(tree, { docker: { nodeVersion: '19' } });
    await expect(dockerGenerator(tree, { project: 'orders' })).rejects.toThrow(
      /Invalid options for @slipway\/nx:docker; nothing was written\.\n {2}--nodeVersion: must be one of/,
    );
    expect(tree.exists('services/orders/Dockerfile')).toBe(false);
  });
});
