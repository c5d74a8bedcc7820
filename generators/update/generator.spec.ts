import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentHash, readGeneratorRecord, writeGeneratorRecord } from '../../packages/nx/src/answers.js';
import { captureRenders } from '../../packages/nx/src/generate-layer.js';
import { generatorsByKey } from '../../packages/nx/src/generator-registry.js';
import { slipwayVersion } from '../../packages/nx/src/package-paths.js';
import type { RenderedFile } from '../../packages/nx/src/render.js';
import type { RenderingApiLoader } from '../../packages/nx/src/slipway-versions.js';
import newMcpService from '../new-mcp-service/generator.js';
import update from './generator.js';

const KEY = '@slipway/nx:new-mcp-service';
const ROOT = 'services/orders';
const OLD = '0.0.9';

/** What the pretend older Slipway rendered: today's files with a few lines of its own. */
function oldRender(files: readonly RenderedFile[]): RenderedFile[] {
  const changed = files.map((f) => {
    switch (f.path) {
      case 'src/config.ts':
        return { ...f, content: f.content.replace('// Assigned by Slipway', '// Chosen by Slipway') };
      case 'README.md':
        return { ...f, content: f.content.replace(/^# Orders$/m, '# Orders service') };
      case '.env.example':
        return { ...f, content: f.content.replace('LOG_LEVEL=info', 'LOG_LEVEL=warn') };
      case 'src/capabilities/text-stats.ts':
        return { ...f, content: `// old\n${f.content}` };
      default:
        return f;
    }
  });
  return [...changed, { path: 'src/legacy.ts', content: 'export const legacy = true;\n', writeOnce: false }];
}

const olderSlipway: RenderingApiLoader = async (version) => {
  expect(version).toBe(OLD);
  return {
    slipwayVersion: OLD,
    generatorsByKey,
    captureRenders: async (run) => (await captureRenders(run)).map((c) => ({ ...c, files: oldRender(c.files) })),
  };
};

/** Puts the workspace in the state the older version left it, then applies the user's edits. */
async function generatedByOlderVersion(tree: Tree): Promise<void> {
  await newMcpService(tree, { name: 'orders', skipInstall: true });
  const record = readGeneratorRecord(tree, ROOT, KEY)!;
  const [captured] = await captureRenders(() => newMcpService(tree, { ...(record.options as { name: string }), skipInstall: true }));
  const files: Record<string, string> = {};
  for (const file of oldRender(captured!.files)) {
    tree.write(`${ROOT}/${file.path}`, file.content);
    files[file.path] = contentHash(file.content);
  }
  writeGeneratorRecord(tree, ROOT, KEY, { ...record, version: OLD, files });
}

describe('update', () => {
  let tree: Tree;

  beforeEach(async () => {
    tree = createTreeWithEmptyWorkspace();
    await generatedByOlderVersion(tree);
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
      ['<<<<<<< yours', 'LOG_LEVEL=debug', `||||||| slipway ${OLD}`, 'LOG_LEVEL=warn', '=======', 'LOG_LEVEL=info', `>>>>>>> slipway ${slipwayVersion}`].join('\n'),
    );
    expect(tree.exists(`${ROOT}/tsconfig.build.json`)).toBe(false);
    expect(read('src/capabilities/text-stats.ts')).toMatch(/^\/\/ old\n/);
    expect(tree.exists(`${ROOT}/src/legacy.ts`)).toBe(false);
    expect(readGeneratorRecord(tree, ROOT, KEY)?.version).toBe(slipwayVersion);

    done();
    expect(process.exitCode).toBe(1);
  });

  it('exits zero when everything merged, and a second run changes nothing', async () => {
    const readme = `${tree.read(`${ROOT}/README.md`, 'utf-8')}\nRun book: see the wiki.\n`;
    tree.write(`${ROOT}/README.md`, readme);
    (await update(tree, { project: 'orders' }, olderSlipway))();
    expect(process.exitCode).toBeUndefined();
    const snapshot = tree.listChanges().map((c) => [c.path, c.content?.toString()]);
    (await update(tree, { all: true }, olderSlipway))();
    expect(tree.listChanges().map((c) => [c.path, c.content?.toString()])).toEqual(snapshot);
  });

  it('falls back to a two-way update, saying why, when the recorded version cannot be re-rendered', async () => {
    tree.write(`${ROOT}/README.md`, `${tree.read(`${ROOT}/README.md`, 'utf-8')}\nMine.\n`);
    const unavailable: RenderingApiLoader = async () => {
      throw new Error('registry unreachable');
    };
    (await update(tree, { project: 'orders' }, unavailable))();
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
