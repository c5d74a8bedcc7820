import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import generator from '../generators/new-mcp-service/generator.js';
import type { NewMcpServiceSchema } from '../generators/new-mcp-service/schema.js';
import { validateFiles } from '../packages/validate/src/index.js';
import { layerOfGenerator, validateRecordedGenerations } from '../packages/validate/src/recorded.js';

function projectFiles(tree: Tree, root: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (dir: string): void => {
    for (const child of tree.children(dir)) {
      const path = `${dir}/${child}`;
      if (tree.isFile(path)) files.set(path.slice(root.length + 1), tree.read(path, 'utf-8')!);
      else visit(path);
    }
  };
  visit(root);
  return files;
}

/**
 * Every transport × database combination of the server layer, checked by real validators: the
 * TypeScript compiler against the built runtime, and Nx's own project.json schema. The default
 * variant is also installed, built and run by new-mcp-service.e2e.ts.
 */
describe('generated service variants', () => {
  const variants: Array<Pick<NewMcpServiceSchema, 'transport' | 'database' | 'preset'>> = [];
  for (const transport of ['both', 'http', 'stdio'] as const) {
    for (const database of ['pglite', 'postgres', 'none'] as const) variants.push({ transport, database, preset: 'minimal' });
  }
  // The retail preset on top of the server layer (retail-preset.e2e.ts installs and runs the default).
  variants.push({ transport: 'http', database: 'postgres', preset: 'retail' }, { transport: 'stdio', database: 'pglite', preset: 'retail' });

  it.each(variants)('transport=$transport database=$database preset=$preset compiles and validates', async (variant) => {
    const tree = createTreeWithEmptyWorkspace();
    await generator(tree, { name: 'orders', skipInstall: true, ...variant });
    const problems = await validateFiles('server', projectFiles(tree, 'services/orders'));
    expect(problems).toEqual([]);
  });
});

describe('new-mcp-service --deploy with all six targets', () => {
  it('every generated artifact passes its layer’s validators', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await generator(tree, { name: 'orders', skipInstall: true, deploy: 'docker,compose,k8s,azure,github-actions,azure-pipelines' });
    const checks = await validateRecordedGenerations(tree, 'services/orders');
    expect(checks.map((c) => c.generator).sort()).toEqual(Object.keys(layerOfGenerator).sort());
    for (const check of checks) {
      expect(check.files, check.generator).toBeGreaterThan(0);
      expect(check.problems, check.generator).toEqual([]);
    }
  });
});
