import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import generator from '../generators/new-mcp-service/generator.js';
import type { NewMcpServiceSchema } from '../generators/new-mcp-service/schema.js';
import { validateFiles } from '../packages/validate/src/index.js';
import { layerOfGenerator, validateRecordedGenerations } from '../packages/validate/src/recorded.js';
import { npmIn, nx, setUpSlipwayWorkspace, type SlipwayWorkspace } from '../tools/local-packages.js';
import { run } from './support/run.js';

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
const variants: Array<Pick<NewMcpServiceSchema, 'transport' | 'database' | 'preset'>> = [];
for (const transport of ['both', 'http', 'stdio'] as const) {
  for (const database of ['pglite', 'postgres', 'none'] as const) variants.push({ transport, database, preset: 'minimal' });
}
// The retail preset on top of the server layer (retail-preset.e2e.ts installs and runs the default).
variants.push({ transport: 'http', database: 'postgres', preset: 'retail' }, { transport: 'stdio', database: 'pglite', preset: 'retail' });

describe('generated service variants', () => {
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

/**
 * The lint target on every variant, in one fresh workspace with the packed plugin: what the generated
 * CI's `nx affected -t lint` runs. Then a floating promise in a tool handler fails it, naming the rule.
 */
describe('nx run-many -t lint over every variant', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-lint-'));
  // Every transport, database and preset at least once (the variants above, all eleven, pass as well; five keep the install and lint short).
  const linted: typeof variants = [
    { transport: 'both', database: 'pglite', preset: 'minimal' },
    { transport: 'stdio', database: 'none', preset: 'minimal' },
    { transport: 'http', database: 'postgres', preset: 'minimal' },
    { transport: 'http', database: 'postgres', preset: 'retail' },
    { transport: 'stdio', database: 'pglite', preset: 'retail' },
  ];
  const names = linted.map((v) => `${v.preset === 'retail' ? 'shop' : 'svc'}-${v.transport}-${v.database}`);
  let slipway: SlipwayWorkspace | undefined;

  beforeAll(async () => {
    slipway = await setUpSlipwayWorkspace(work);
    linted.forEach((v, i) => {
      const options = [`--transport=${v.transport}`, `--database=${v.database}`, `--preset=${v.preset}`, `--port=${4100 + i}`];
      nx(slipway!.dir, ['g', '@slipway/nx:new-mcp-service', names[i]!, ...options, '--deploy=none', '--skipInstall', '--no-interactive']);
    });
    npmIn(slipway.dir, ['install']);
  });

  afterAll(async () => {
    await slipway?.registry.stop();
    if (!process.env['SLIPWAY_KEEP_E2E']) rmSync(work, { recursive: true, force: true });
  });

  it('passes on every transport, database and preset', () => {
    // Nx colours its summary on CI (CI=true), one escape sequence between words.
    const output = stripVTControlCharacters(nx(slipway!.dir, ['run-many', '-t', 'lint', '--parallel=2']));
    expect(output).toMatch(new RegExp(`Successfully ran target lint for ${names.length} projects`));
  });

  it('fails on a floating promise in a tool handler, naming the rule', async () => {
    const tool = join(slipway!.dir, 'services', names[0]!, 'src/capabilities/text-stats.ts');
    const source = readFileSync(tool, 'utf8');
    expect(source).toContain('handler: ({ text }) => {');
    const floating =
      source.replace('handler: ({ text }) => {', 'handler: ({ text }) => {\n    recordUsage(text);') +
      '\nasync function recordUsage(_text: string): Promise<void> {}\n';
    writeFileSync(tool, floating);
    const result = await run(join(slipway!.dir, 'node_modules/.bin/nx'), ['run', `${names[0]}:lint`], {
      cwd: slipway!.dir,
      allowFailure: true,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/text-stats\.ts[\s\S]*@typescript-eslint\/no-floating-promises/);
  });
});
