import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Tree } from '@nx/devkit';
import type { RenderedFile } from './render.js';

type Prettier = typeof import('prettier');

/** The workspace's own prettier, the one its `prettier --check` runs; undefined when it has none installed. */
async function workspacePrettier(root: string): Promise<Prettier | undefined> {
  let entry: string;
  try {
    entry = createRequire(join(root, 'package.json')).resolve('prettier');
  } catch {
    return undefined;
  }
  // prettier 3 resolves to its CommonJS entry here, whose API Node's import puts under `default` only.
  const module = (await import(pathToFileURL(entry).href)) as Prettier & { default?: Prettier };
  return typeof module.resolveConfig === 'function' ? module : module.default;
}

/**
 * Rendered files as the workspace's prettier formats them, as Nx's formatFiles does for Nx's own
 * generators. Generation, update and the drift check all render through generateLayer, so they see
 * the same bytes. A workspace without prettier, a file without a prettier config, an ignored file
 * (.prettierignore) or a format prettier does not know stays as rendered.
 */
export async function formatRendered(tree: Tree, base: string, files: readonly RenderedFile[]): Promise<RenderedFile[]> {
  const prettier = await workspacePrettier(tree.root);
  if (prettier === undefined) return [...files];
  const ignorePath = join(tree.root, '.prettierignore');
  return Promise.all(
    files.map(async (file) => {
      const filepath = join(tree.root, base, file.path);
      const config = await prettier.resolveConfig(filepath, { editorconfig: true });
      if (config === null) return file;
      const info = await prettier.getFileInfo(filepath, { ignorePath });
      if (info.ignored || info.inferredParser === null) return file;
      return { ...file, content: await prettier.format(file.content, { ...config, filepath }) };
    }),
  );
}
