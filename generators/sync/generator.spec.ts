import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { logger } from '@nx/devkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import newMcpService from '../new-mcp-service/generator.js';
import { generatedByOlderVersion, olderSlipway } from '../update/lib/older-slipway.fixture.js';
import sync from './generator.js';

const ROOT = 'services/orders';
const changes = (tree: ReturnType<typeof createTreeWithEmptyWorkspace>) => tree.listChanges().map((c) => [c.path, c.content?.toString()]);

describe('sync (nx sync, nx sync:check)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is in sync right after generation, and after the user’s own edits, targets and deletions', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await newMcpService(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
    tree.write(`${ROOT}/README.md`, '# mine\n');
    tree.delete(`${ROOT}/src/capabilities/text-stats.ts`);
    const before = changes(tree);
    expect(await sync(tree, {}, olderSlipway)).toBeUndefined();
    expect(changes(tree)).toEqual(before);
  });

  it('is out of sync when files are behind the installed templates, names them, and a run brings them forward', async () => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const tree = createTreeWithEmptyWorkspace();
    await generatedByOlderVersion(tree, 'orders');
    tree.write(`${ROOT}/README.md`, `${tree.read(`${ROOT}/README.md`, 'utf-8')}\nRun book: see the wiki.\n`);

    const result = await sync(tree, {}, olderSlipway);
    expect(result?.outOfSyncMessage).toMatch(/nx sync/);
    expect(result?.outOfSyncDetails).toEqual(
      expect.arrayContaining([`updated   ${ROOT}/src/config.ts`, `merged    ${ROOT}/README.md`, `removed   ${ROOT}/src/legacy.ts`]),
    );
    expect(tree.read(`${ROOT}/README.md`, 'utf-8')).toContain('Run book: see the wiki.');
    expect(await sync(tree, {}, olderSlipway)).toBeUndefined();
  });
});
