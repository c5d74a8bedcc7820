import { readJson, readProjectConfiguration } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { LINT_CONFIG_FILE, LINT_PACKAGES, LINT_SCRIPT, LINT_TARGET } from '../../packages/nx/src/lint.js';
import { packagedLayer } from '../../packages/nx/src/render.js';
import { versions } from '../../packages/nx/src/versions.js';
import generator from './generator.js';

const ROOT = 'services/orders';
const variants = [
  { transport: 'http', database: 'pglite', preset: 'minimal' },
  { transport: 'stdio', database: 'none', preset: 'minimal' },
  { transport: 'both', database: 'postgres', preset: 'minimal' },
  { transport: 'http', database: 'pglite', preset: 'retail' },
  { transport: 'stdio', database: 'pglite', preset: 'retail' },
] as const;

// test/generated-variants.e2e.ts runs the target on every variant in an installed workspace.
describe('new-mcp-service: the lint setup', () => {
  it.each(variants)('%o: eslint.config.mjs, the lint script, its pinned packages and a cached lint target', async (variant) => {
    const tree = createTreeWithEmptyWorkspace();
    await generator(tree, { name: 'orders', skipInstall: true, deploy: 'none', ...variant });
    expect(tree.read(`${ROOT}/${LINT_CONFIG_FILE}`, 'utf-8')).toBe(packagedLayer('server').read(LINT_CONFIG_FILE));
    const pkg = readJson<{ scripts: Record<string, string>; devDependencies: Record<string, string> }>(tree, `${ROOT}/package.json`);
    expect(pkg.scripts['lint']).toBe(LINT_SCRIPT);
    for (const name of LINT_PACKAGES) expect(pkg.devDependencies[name], name).toBe(versions[name]);
    expect(readProjectConfiguration(tree, 'orders').targets?.['lint']).toEqual({ cache: true, executor: 'nx:run-script', options: { script: 'lint' } });
    expect(LINT_TARGET.options.script).toBe('lint');
  });

  it("a team layer's eslint.config.mjs replaces Slipway's, and a re-run keeps it byte for byte", async () => {
    const tree = createTreeWithEmptyWorkspace();
    const acme = "// ACME: our shared rules\nimport acme from '@acme/eslint-config';\n\nexport default acme;\n";
    tree.write('tools/slipway/templates/server/eslint.config.mjs', acme);
    tree.write(
      'nx.json',
      JSON.stringify({ ...readJson(tree, 'nx.json'), plugins: [{ plugin: '@slipway/nx/plugin', options: { layers: ['tools/slipway'] } }] }),
    );
    await generator(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
    expect(tree.read(`${ROOT}/${LINT_CONFIG_FILE}`, 'utf-8')).toBe(acme);
    await generator(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
    expect(tree.read(`${ROOT}/${LINT_CONFIG_FILE}`, 'utf-8')).toBe(acme);
  });
});
