import type { Tree } from '@nx/devkit';
import { readGeneratorRecord, writeGeneratorRecord } from '../../../packages/nx/src/answers.js';
import { recordedHash } from '../../../packages/nx/src/file-ownership.js';
import { captureRenders } from '../../../packages/nx/src/generate-layer.js';
import { generatorsByKey } from '../../../packages/nx/src/generator-registry.js';
import type { RenderedFile } from '../../../packages/nx/src/render.js';
import type { RenderingApiLoader } from '../../../packages/nx/src/slipway-versions.js';
import newMcpService from '../../new-mcp-service/generator.js';

// A pretend earlier release, for update specs: today's templates with a few lines of its own.
export const KEY = '@slipway/nx:new-mcp-service';
export const OLD = '0.0.9';

/** What the pretend older Slipway rendered: today's files with a few lines of its own. */
export function oldRender(files: readonly RenderedFile[]): RenderedFile[] {
  const changed = files.map((f) => {
    switch (f.path) {
      case 'src/config.ts':
        return { ...f, content: f.content.replace('// Assigned by Slipway', '// Chosen by Slipway') };
      case 'README.md':
        return { ...f, content: f.content.replace(/^# (.*)$/m, '# $1 service') };
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

export const olderSlipway: RenderingApiLoader = async (version) => {
  if (version !== OLD) throw new Error(`no such version ${version}`);
  return {
    slipwayVersion: OLD,
    generatorsByKey,
    captureRenders: async (run) => (await captureRenders(run)).map((c) => ({ ...c, files: oldRender(c.files) })),
  };
};

/** Puts a service in the state the older version left it (before any edits by its owners). */
export async function generatedByOlderVersion(tree: Tree, name: string): Promise<string> {
  await newMcpService(tree, { name, skipInstall: true, deploy: 'none' });
  const root = `services/${name}`;
  const record = readGeneratorRecord(tree, root, KEY)!;
  const [captured] = await captureRenders(() => newMcpService(tree, { ...(record.options as { name: string }), skipInstall: true }));
  const files: Record<string, string> = {};
  for (const file of oldRender(captured!.files)) {
    tree.write(`${root}/${file.path}`, file.content);
    files[file.path] = recordedHash(file);
  }
  writeGeneratorRecord(tree, root, KEY, { ...record, version: OLD, files });
  return root;
}
