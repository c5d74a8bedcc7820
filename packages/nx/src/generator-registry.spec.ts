import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { captureRenders } from './generate-layer.js';
import { generatorsByKey, loadGenerator } from './generator-registry.js';
import { generatorKey, generatorTable } from './generator-table.js';
import { packageRoot } from './package-paths.js';

describe('generator registry', () => {
  it('lists every generator that records files, so update can re-render it', () => {
    const managed = generatorTable.filter((row) => row.records === 'files').map((row) => generatorKey(row.name));
    expect(Object.keys(generatorsByKey).sort()).toEqual(managed.sort());
    expect(Object.keys(generatorsByKey)).toContain('@slipway/nx:new-mcp-service');
    expect(Object.keys(generatorsByKey)).not.toContain('@slipway/nx:update');
  });

  it('loads each generator of the table by its path', async () => {
    for (const { name } of generatorTable) expect(typeof (await loadGenerator(name)), name).toBe('function');
    for (const load of Object.values(generatorsByKey)) expect(typeof (await load())).toBe('function');
  });

  // The core knows generators by the table only: importing one would make the core depend on the
  // generators that depend on it (the cycle registry → new-mcp-service → registry).
  it('no core module imports a generator (index.ts, the package entry, re-exports them)', () => {
    const core = join(packageRoot, 'src');
    const modules = readdirSync(core, { recursive: true, encoding: 'utf8' }).filter((file) => /(?<!\.spec)\.ts$/.test(file) && file !== 'index.ts');
    const importers = modules.filter((file) => /from '(\.\.\/)+generators\/|import\('(\.\.\/)+generators\//.test(readFileSync(join(core, file), 'utf8')));
    expect(importers).toEqual([]);
  });
});

describe('the run mode a generator is given', () => {
  it('a re-render of new-mcp-service renders its own files only; a generation composes the deployment generators', async () => {
    const generator = await loadGenerator('new-mcp-service');
    const tree = createTreeWithEmptyWorkspace();
    tree.write('package-lock.json', '{}\n');
    await generator(tree, { name: 'orders', skipInstall: true });
    expect(tree.exists('services/orders/Dockerfile')).toBe(true);
    const rerendered = await captureRenders(() => generator(tree, { name: 'orders', skipInstall: true }, { mode: 'rerender' }));
    expect(rerendered.map((c) => c.generator)).toEqual(['@slipway/nx:new-mcp-service']);
    const generated = await captureRenders(() => generator(tree, { name: 'orders', skipInstall: true }));
    expect(generated.map((c) => c.generator)).toEqual(['@slipway/nx:new-mcp-service', '@slipway/nx:docker', '@slipway/nx:compose']);
  });
});
