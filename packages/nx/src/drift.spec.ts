import { readJson, writeJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import newMcpService from '../../../generators/new-mcp-service/generator.js';
import { readGeneratorRecord, writeGeneratorRecord } from './answers.js';
import { driftReport } from './drift.js';

describe('drift report', () => {
  it('is clean right after generation, then names edited, missing and outdated files without writing', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await newMcpService(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
    expect(await driftReport(tree, 'orders', 'services/orders')).toMatchObject({ drifted: 0, updateAvailable: false });

    tree.write('services/orders/README.md', '# mine\n');
    tree.delete('services/orders/.env.example');
    const record = readGeneratorRecord(tree, 'services/orders', '@slipway/nx:new-mcp-service')!;
    writeGeneratorRecord(tree, 'services/orders', '@slipway/nx:new-mcp-service', { ...record, version: '0.0.1' });
    const before = tree.listChanges().map((c) => [c.path, c.type]);

    const report = await driftReport(tree, 'orders', 'services/orders');
    const states = Object.fromEntries(report.generations[0]!.files.filter((f) => f.state !== 'in-sync').map((f) => [f.path, f.state]));
    expect(states).toEqual({ 'services/orders/README.md': 'edited', 'services/orders/.env.example': 'missing' });
    expect(report).toMatchObject({ drifted: 2, updateAvailable: true });
    expect(tree.listChanges().map((c) => [c.path, c.type])).toEqual(before);
  });

  it('refuses a record whose version is not an exact version, naming the file and field, before rendering', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await newMcpService(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
    const path = 'services/orders/.slipway-answers.json';
    const answers = JSON.parse(tree.read(path, 'utf-8')!) as { records: Record<string, { version: string }> };
    answers.records['@slipway/nx:new-mcp-service']!.version = '../../../../../x';
    tree.write(path, JSON.stringify(answers));
    const report = driftReport(tree, 'orders', 'services/orders');
    await expect(report).rejects.toThrow(path);
    await expect(report).rejects.toThrow('records["@slipway/nx:new-mcp-service"].version: must be an exact version');
  });

  it('accepts a deleted write-once file: re-generating keeps it deleted, and the check passes', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await newMcpService(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
    tree.delete('services/orders/src/capabilities/text-stats.ts');
    await newMcpService(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
    expect(tree.exists('services/orders/src/capabilities/text-stats.ts')).toBe(false);

    const report = await driftReport(tree, 'orders', 'services/orders');
    expect(report.drifted).toBe(0);
    expect(report.generations[0]!.files).toContainEqual({ path: 'services/orders/src/capabilities/text-stats.ts', state: 'deleted' });
  });
});

describe('drift of project.json, owned target by target', () => {
  const projectJson = 'services/orders/project.json';
  type Project = { tags: string[]; targets: Record<string, { options?: { script?: string; command?: string } }> };
  const offFiles = async (tree: Tree) =>
    (await driftReport(tree, 'orders', 'services/orders')).generations.flatMap((g) => g.files.filter((f) => f.state !== 'in-sync'));

  async function service(): Promise<Tree> {
    const tree = createTreeWithEmptyWorkspace();
    await newMcpService(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
    return tree;
  }

  it('a target the user adds is theirs: not drift', async () => {
    const tree = await service();
    const project = readJson<Project>(tree, projectJson);
    project.targets['docs'] = { options: { command: 'typedoc src' } };
    writeJson(tree, projectJson, project);
    expect(await offFiles(tree)).toEqual([]);
  });

  it('an edit to a key Slipway does not own (tags) is not drift', async () => {
    const tree = await service();
    writeJson(tree, projectJson, { ...readJson<Project>(tree, projectJson), tags: ['team:payments'] });
    expect(await offFiles(tree)).toEqual([]);
  });

  it('a changed command of a target Slipway generated is an edit', async () => {
    const tree = await service();
    const project = readJson<Project>(tree, projectJson);
    project.targets['build']!.options = { script: 'build:fast' };
    writeJson(tree, projectJson, project);
    expect(await offFiles(tree)).toEqual([{ path: projectJson, state: 'edited' }]);
  });
});
