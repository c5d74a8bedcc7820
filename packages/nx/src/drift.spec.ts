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
});
