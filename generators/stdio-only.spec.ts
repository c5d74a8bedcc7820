import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { generatorsByKey } from '../packages/nx/src/generator-registry.js';
import { treeFiles as snapshotTree } from '../packages/nx/src/testing-support.js';
import { generateService } from './spec-support.js';

// Every deployment generator asks the one rule (refuseStdioOnly): a stdio-only service has no HTTP
// endpoint to health-check, publish, route to or smoke-test. Only options a generator has are suggested.
describe.each([
  ['docker', undefined],
  ['compose', undefined],
  ['k8s', undefined],
  ['azure', undefined],
  ['github-actions', '--azure=false'],
  ['azure-pipelines', undefined],
])('%s on a stdio-only service', (target, alternative) => {
  it('refuses it, naming the fix, and writes nothing', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await generateService(tree, { transport: 'stdio' });
    const before = snapshotTree(tree);
    const generator = await generatorsByKey[`@slipway/nx:${target}`]!();
    const error = (await generator(tree, { project: 'orders' }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toMatch(
      /--project: orders serves MCP over stdio only; .* needs the HTTP transport: re-run `nx g @slipway\/nx:new-mcp-service orders --transport=both`/,
    );
    if (alternative) expect(error.message).toContain(alternative);
    else expect(error.message).not.toMatch(/--azure=false/);
    expect(snapshotTree(tree)).toEqual(before);
  });
});

// Found by generators/fuzz.spec.ts: the service was written before the first composed target refused it.
describe('new-mcp-service --transport=stdio with --deploy targets', () => {
  it('refuses them before writing anything, naming --deploy and the fix', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const before = snapshotTree(tree);
    const generator = await generatorsByKey['@slipway/nx:new-mcp-service']!();
    await expect(generator(tree, { name: 'orders', transport: 'stdio', deploy: 'compose', skipInstall: true })).rejects.toThrow(
      /--deploy: .*stdio only.*--transport=both.*--deploy=none/,
    );
    expect(snapshotTree(tree)).toEqual(before);
  });
});
