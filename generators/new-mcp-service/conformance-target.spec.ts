import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { answersFileName } from '../../packages/nx/src/answers.js';
import { CONFORMANCE_BASELINE } from '../../packages/nx/src/conformance.js';
import { versions } from '../../packages/nx/src/versions.js';
import { parse } from 'yaml';
import { treeFiles } from '../../packages/nx/src/testing-support.js';
import { conformanceBaselineValidator } from '../../packages/validate/src/conformance-baseline.js';
import { validateFiles } from '../../packages/validate/src/index.js';
import azurePipelines from '../azure-pipelines/generator.js';
import githubActions from '../github-actions/generator.js';
import { runConformanceCli } from '../../packages/validate/src/conformance-cli.js';
import { nxProjectValidator } from '../../packages/validate/src/nx-project.js';
import { repoRoot } from '../../tools/repo-root.js';
import { generateService } from '../spec-support.js';

const ROOT = 'services/orders';
mkdirSync(join(repoRoot, 'tmp'), { recursive: true });
const scratch = mkdtempSync(join(repoRoot, 'tmp', 'conformance-target-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const conformance = (tree: Tree) => readProjectConfiguration(tree, 'orders').targets?.['conformance'];

describe('new-mcp-service: the conformance target', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('builds, then runs slipway-conformance with the pinned suite and the baseline, on a throw-away PGlite', async () => {
    await generateService(tree);
    expect(conformance(tree)).toEqual({
      dependsOn: ['build'],
      executor: 'nx:run-commands',
      options: {
        command: `slipway-conformance --suite-version ${versions['@modelcontextprotocol/conformance']} --expected-failures ${CONFORMANCE_BASELINE}`,
        cwd: '{projectRoot}',
        env: { PGLITE_DATA_DIR: 'memory://' },
      },
    });
    expect(conformance(tree)?.cache, 'it runs a server: never cached').toBeUndefined();
  });

  it('runs a command @slipway/validate installs, with flags and a baseline the runner accepts', async () => {
    await generateService(tree);
    const [bin, ...args] = (conformance(tree)?.options.command as string).split(' ');
    const validate = JSON.parse(readFileSync(join(repoRoot, 'packages/validate/package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(Object.keys(validate.bin)).toContain(bin);
    writeFileSync(join(scratch, CONFORMANCE_BASELINE), tree.read(`${ROOT}/${CONFORMANCE_BASELINE}`, 'utf-8')!);
    // On Node 20 the runner stops at the Node check, after the options passed: no other complaint.
    const err: string[] = [];
    const code = await runConformanceCli(args, { cwd: scratch, env: process.env, nodeVersion: 'v20.19.1', out: () => {}, err: (line) => err.push(line) });
    expect(code).toBe(2);
    expect(err).toEqual([expect.stringContaining('needs Node >= 22')]);
  });

  it('renders a baseline that the validators accept, with project.json', async () => {
    await generateService(tree);
    const files = new Map([`${ROOT}/project.json`, `${ROOT}/${CONFORMANCE_BASELINE}`].map((path) => [path, tree.read(path, 'utf-8')!] as const));
    expect(await nxProjectValidator.validate(files)).toEqual([]);
    expect(await conformanceBaselineValidator.validate(files)).toEqual([]);
  });

  it('leaves the baseline to the user after the first render', async () => {
    await generateService(tree);
    expect(readJson(tree, `${ROOT}/${answersFileName}`).records['@slipway/nx:new-mcp-service'].files[CONFORMANCE_BASELINE]).toBeDefined();
    tree.write(`${ROOT}/${CONFORMANCE_BASELINE}`, 'server: []\n');
    await generateService(tree);
    expect(tree.read(`${ROOT}/${CONFORMANCE_BASELINE}`, 'utf-8')).toBe('server: []\n');
  });

  it('no database: no database variable; stdio only: neither target nor baseline', async () => {
    await generateService(tree, { database: 'none', transport: 'http' });
    expect(conformance(tree)?.options.env).toBeUndefined();

    const stdio = createTreeWithEmptyWorkspace();
    await generateService(stdio, { transport: 'stdio' });
    expect(readProjectConfiguration(stdio, 'orders').targets?.['conformance']).toBeUndefined();
    expect(stdio.exists(`${ROOT}/${CONFORMANCE_BASELINE}`)).toBe(false);
  });
});

type Step = { name?: string; displayName?: string; run?: string; script?: string; env?: Record<string, string> };

describe('the generated CI runs the conformance target', () => {
  it('GitHub: every affected service, in the job that builds them, on Node 22 or later; the workflow stays valid', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await generateService(tree);
    await githubActions(tree, { project: 'orders' });
    const workflow = parse(tree.read('.github/workflows/ci.yml', 'utf-8')!) as { jobs: { affected: { steps: Step[] } } };
    const steps = workflow.jobs.affected.steps;
    const node = steps.find((step) => (step as { uses?: string }).uses?.startsWith('actions/setup-node@')) as { with: { 'node-version': string } };
    expect(Number(node.with['node-version'])).toBeGreaterThanOrEqual(22);
    const names = steps.map((step) => step.name);
    const conformanceStep = steps.find((step) => step.run === 'npx nx affected -t conformance --parallel=1');
    expect(conformanceStep, 'a conformance step').toBeDefined();
    expect(names.indexOf(conformanceStep!.name), 'after the build and the database migration').toBeGreaterThan(
      names.indexOf('Migrate the test database (as its owner)'),
    );
    expect(await validateFiles('github', treeFiles(tree, '.github/', `${ROOT}/scripts/`))).toEqual([]);
  });

  it('Azure Pipelines: the service, in the test job, with the test database; not for a project without the target', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await generateService(tree);
    await azurePipelines(tree, { project: 'orders' });
    const text = tree.read(`${ROOT}/azure-pipelines.yml`, 'utf-8')!;
    const pipeline = parse(text) as {
      stages: Array<{ stage: string; jobs: Array<{ steps: Array<Step & { task?: string; inputs?: { versionSpec?: string } }> }> }>;
    };
    const steps = pipeline.stages.find((stage) => stage.stage === 'Build')!.jobs[0]!.steps;
    expect(Number.parseInt(steps.find((step) => step.task === 'NodeTool@0')!.inputs!.versionSpec!, 10)).toBeGreaterThanOrEqual(22);
    expect(steps.find((step) => step.displayName === 'MCP conformance')).toMatchObject({
      script: 'npx nx run orders:conformance',
      env: { DATABASE_URL: expect.any(String) },
    });
    expect(await validateFiles('azure-pipelines', treeFiles(tree, `${ROOT}/azure-pipelines.yml`, `${ROOT}/scripts/`))).toEqual([]);

    const without = createTreeWithEmptyWorkspace();
    await generateService(without);
    const project = readJson(without, `${ROOT}/project.json`);
    delete project.targets.conformance;
    without.write(`${ROOT}/project.json`, JSON.stringify(project, null, 2));
    await azurePipelines(without, { project: 'orders' });
    expect(without.read(`${ROOT}/azure-pipelines.yml`, 'utf-8')).not.toContain(':conformance');
  });
});
