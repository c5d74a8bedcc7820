import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readGeneratorRecord } from '../../packages/nx/src/answers.js';
import { slipwayVersion } from '../../packages/nx/src/package-paths.js';
import type { RenderingApiLoader } from '../../packages/nx/src/slipway-versions.js';
import newMcpService from '../new-mcp-service/generator.js';
import { KEY, OLD, generatedByOlderVersion, olderSlipway } from './lib/older-slipway.fixture.js';
import update from './generator.js';

const ROOT = 'services/orders';

describe('update', () => {
  let tree: Tree;

  beforeEach(async () => {
    tree = createTreeWithEmptyWorkspace();
    await generatedByOlderVersion(tree, 'orders');
  });

  afterEach(() => {
    process.exitCode = undefined;
  });

  it('updates untouched files, merges edits, marks conflicts, respects deletions and write-once files', async () => {
    const read = (path: string) => tree.read(`${ROOT}/${path}`, 'utf-8');
    tree.write(`${ROOT}/README.md`, `${read('README.md')}\nRun book: see the wiki.\n`);
    tree.write(`${ROOT}/.env.example`, read('.env.example')!.replace('LOG_LEVEL=warn', 'LOG_LEVEL=debug'));
    tree.delete(`${ROOT}/tsconfig.build.json`);

    const done = await update(tree, { project: 'orders' }, olderSlipway);

    expect(read('src/config.ts')).toContain('// Assigned by Slipway');
    expect(read('README.md')).toMatch(/^# Orders$/m);
    expect(read('README.md')).toContain('Run book: see the wiki.');
    expect(read('.env.example')).toContain(
      ['<<<<<<< yours', 'LOG_LEVEL=debug', `||||||| slipway ${OLD}`, 'LOG_LEVEL=warn', '=======', 'LOG_LEVEL=info', `>>>>>>> slipway ${slipwayVersion}`].join(
        '\n',
      ),
    );
    expect(tree.exists(`${ROOT}/tsconfig.build.json`)).toBe(false);
    expect(read('src/capabilities/text-stats.ts')).toMatch(/^\/\/ old\n/);
    expect(tree.exists(`${ROOT}/src/legacy.ts`)).toBe(false);
    expect(readGeneratorRecord(tree, ROOT, KEY)?.version).toBe(slipwayVersion);

    await done();
    expect(process.exitCode).toBe(1);
  });

  it('exits zero when everything merged, and a second run changes nothing', async () => {
    const readme = `${tree.read(`${ROOT}/README.md`, 'utf-8')}\nRun book: see the wiki.\n`;
    tree.write(`${ROOT}/README.md`, readme);
    await (
      await update(tree, { project: 'orders' }, olderSlipway)
    )();
    expect(process.exitCode).toBeUndefined();
    const snapshot = tree.listChanges().map((c) => [c.path, c.content?.toString()]);
    await (
      await update(tree, { all: true }, olderSlipway)
    )();
    expect(tree.listChanges().map((c) => [c.path, c.content?.toString()])).toEqual(snapshot);
  });

  it('falls back to a two-way update, saying why, when the recorded version cannot be re-rendered', async () => {
    tree.write(`${ROOT}/README.md`, `${tree.read(`${ROOT}/README.md`, 'utf-8')}\nMine.\n`);
    const unavailable: RenderingApiLoader = async () => {
      throw new Error('registry unreachable');
    };
    await (
      await update(tree, { project: 'orders' }, unavailable)
    )();
    expect(tree.read(`${ROOT}/src/config.ts`, 'utf-8')).toContain('// Assigned by Slipway');
    expect(tree.read(`${ROOT}/README.md`, 'utf-8')).toContain('<<<<<<< yours');
    expect(process.exitCode).toBe(1);
  });

  it('rejects a project without an answers record, naming the fix', async () => {
    tree.write('apps/legacy/project.json', JSON.stringify({ name: 'legacy', root: 'apps/legacy' }));
    await expect(update(tree, { project: 'legacy' }, olderSlipway)).rejects.toThrow(/adopt it first: nx g @slipway\/nx:adopt legacy/);
    await expect(update(tree, {}, olderSlipway)).rejects.toThrow(/--project: name one project/);
  });
});

describe('update of composed deployment generations', () => {
  it('re-renders docker and compose from their own records on an in-memory workspace, keeping edits', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await newMcpService(tree, { name: 'orders', skipInstall: true });
    const dockerfile = `${tree.read('services/orders/Dockerfile', 'utf-8')}# team: scanned weekly\n`;
    tree.write('services/orders/Dockerfile', dockerfile);
    await (
      await update(tree, { project: 'orders' }, olderSlipway)
    )();
    expect(tree.read('services/orders/Dockerfile', 'utf-8')).toBe(dockerfile);
    expect(process.exitCode).toBeUndefined();
  });
});
