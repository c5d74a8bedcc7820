import { readJson, updateJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { readGeneratorRecord, writeGeneratorRecord } from '../../packages/nx/src/answers.js';
import { driftReport } from '../../packages/nx/src/drift.js';
import { recordedHash } from '../../packages/nx/src/file-ownership.js';
import { captureRenders } from '../../packages/nx/src/generate-layer.js';
import { generatorsByKey } from '../../packages/nx/src/generator-registry.js';
import type { RenderedFile } from '../../packages/nx/src/render.js';
import type { RenderingApiLoader } from '../../packages/nx/src/slipway-versions.js';
import newMcpService from '../new-mcp-service/generator.js';
import { updateProject } from '../../packages/nx/src/update-project.js';
import { KEY, OLD } from './lib/older-slipway.fixture.js';

const ROOT = 'services/orders';
const PROJECT = `${ROOT}/project.json`;

interface Project {
  tags: string[];
  targets: Record<string, { options?: Record<string, unknown> }>;
}

/** The pretend older release rendered the test target with another script. */
function oldProjectJson(file: RenderedFile): RenderedFile {
  if (file.path !== 'project.json') return file;
  const project = JSON.parse(file.content) as Project;
  project.targets['test']!.options = { script: 'test:old' };
  return { ...file, content: `${JSON.stringify(project, null, 2)}\n` };
}

const older: RenderingApiLoader = async () => ({
  slipwayVersion: OLD,
  generatorsByKey,
  captureRenders: async (run) => (await captureRenders(run)).map((c) => ({ ...c, files: c.files.map(oldProjectJson) })),
});

/** A service whose project.json is as the older release left it. */
async function olderService(): Promise<Tree> {
  const tree = createTreeWithEmptyWorkspace();
  await newMcpService(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
  const record = readGeneratorRecord(tree, ROOT, KEY)!;
  const [captured] = await captureRenders(() => newMcpService(tree, { ...(record.options as { name: string }), skipInstall: true }));
  const old = oldProjectJson(captured!.files.find((f) => f.path === 'project.json')!);
  tree.write(PROJECT, old.content);
  writeGeneratorRecord(tree, ROOT, KEY, { ...record, version: OLD, files: { ...record.files, 'project.json': recordedHash(old) } });
  return tree;
}

async function update(tree: Tree) {
  const [generation] = await updateProject(tree, ROOT, { loadVersion: older, twoWay: false });
  return generation!.files.find((f) => f.path === PROJECT)!;
}

describe('update of project.json, target by target', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('updates the targets Slipway generated and keeps the user’s own targets and keys', async () => {
    const tree = await olderService();
    updateJson<Project>(tree, PROJECT, (p) => ({
      ...p,
      tags: [...p.tags, 'team:payments'],
      targets: { ...p.targets, docs: { options: { command: 'typedoc src' } } },
    }));

    expect(await update(tree)).toMatchObject({ outcome: 'updated' });
    const project = readJson<Project>(tree, PROJECT);
    expect(project.targets['test']!.options).toEqual({ script: 'test' });
    expect(project.targets['docs']).toEqual({ options: { command: 'typedoc src' } });
    expect(project.tags).toContain('team:payments');
    expect(await driftReport(tree, 'orders', ROOT)).toMatchObject({ drifted: 0 });
  });

  it('keeps a generated target the user changed, and still brings the others up to date', async () => {
    const tree = await olderService();
    updateJson<Project>(tree, PROJECT, (p) => ({ ...p, targets: { ...p.targets, build: { ...p.targets['build'], options: { script: 'build:fast' } } } }));

    expect(await update(tree)).toMatchObject({ outcome: 'merged', reason: 'kept your build target(s)' });
    const project = readJson<Project>(tree, PROJECT);
    expect(project.targets['build']!.options).toEqual({ script: 'build:fast' });
    expect(project.targets['test']!.options).toEqual({ script: 'test' });
    const report = await driftReport(tree, 'orders', ROOT);
    expect(report.generations[0]!.files.filter((f) => f.state !== 'in-sync')).toEqual([{ path: PROJECT, state: 'edited' }]);
  });

  it('a re-run of the generator leaves a project.json with the user’s target alone', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await newMcpService(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
    updateJson<Project>(tree, PROJECT, (p) => ({ ...p, targets: { ...p.targets, docs: { options: { command: 'typedoc src' } } } }));
    const before = tree.read(PROJECT, 'utf-8');
    await newMcpService(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
    expect(tree.read(PROJECT, 'utf-8')).toBe(before);
  });
});
