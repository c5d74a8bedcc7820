import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import * as prettier from 'prettier';
import { afterAll, describe, expect, it } from 'vitest';
import newMcpService from '../../../generators/new-mcp-service/generator.js';
import { validateRecordedGenerations } from '../../validate/src/recorded.js';
import { readGeneratorRecord, writeGeneratorRecord } from './answers.js';
import { SERVICE_GENERATOR } from './deploy-target.js';
import { driftReport } from './drift.js';
import { LINT_CONFIG_FILE } from './lint.js';
import addLint from './migrations/add-lint.js';
import { packageRoot } from './package-paths.js';
import { treeFiles } from './testing-support.js';

const { FsTree } = createRequire(import.meta.url)('nx/src/devkit-internals') as { FsTree: new (root: string, verbose: boolean) => Tree };

// Inside the repository, so that the workspace's `prettier` resolves to the one this repo installs.
const scratch = join(packageRoot, '../../tmp');
mkdirSync(scratch, { recursive: true });
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A workspace on disk with Nx's default prettier config (`{ "singleQuote": true }`), as `create-nx-workspace` writes it. */
function workspaceWithPrettier(): Tree {
  const dir = mkdtempSync(join(scratch, 'format-spec-'));
  dirs.push(dir);
  for (const [path, content] of treeFiles(createTreeWithEmptyWorkspace())) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  writeFileSync(join(dir, '.prettierrc'), '{ "singleQuote": true }\n');
  return new FsTree(dir, false);
}

const variants = [
  { name: 'orders', deploy: 'docker,compose,k8s,azure,github-actions,azure-pipelines' },
  { name: 'shop', preset: 'retail', transport: 'both', database: 'postgres', deploy: 'none' },
] as const;

describe("generated files in the workspace's prettier format", () => {
  it.each(variants)(
    '$name: every file prettier formats passes `prettier --check`, is valid, in sync, and a re-run changes nothing',
    async (options) => {
      const tree = workspaceWithPrettier();
      await newMcpService(tree, { ...options, skipInstall: true });
      const root = `services/${options.name}`;
      const files = treeFiles(tree, `${root}/`);
      let checked = 0;
      for (const [path, text] of files) {
        const filepath = join(tree.root, path);
        const info = await prettier.getFileInfo(filepath);
        if (info.inferredParser === null || path.endsWith('.slipway-answers.json')) continue;
        const config = await prettier.resolveConfig(filepath);
        expect(await prettier.check(text, { ...config, filepath }), path).toBe(true);
        checked++;
      }
      expect(checked).toBeGreaterThan(10);
      // Formatting the way the workspace does left the artifacts valid and the drift check in sync.
      // (The validators are slow; the deployment artifacts are what prettier could break, so they run where there are some.)
      if (options.deploy !== 'none') for (const check of await validateRecordedGenerations(tree, root)) expect(check.problems, check.generator).toEqual([]);
      const drift = await driftReport(tree, options.name, root);
      const outOfSync = drift.generations.flatMap((g) => g.files.filter((f) => f.state !== 'in-sync' && f.state !== 'write-once'));
      expect(outOfSync).toEqual([]);

      await newMcpService(tree, { ...options, skipInstall: true });
      expect(treeFiles(tree, `${root}/`)).toEqual(files);
    },
    240_000,
  );

  it('add-lint brings an older service the lint config as the workspace formats it: the drift check stays in sync', async () => {
    const tree = workspaceWithPrettier();
    await newMcpService(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
    const root = 'services/orders';
    // As an earlier release generated it: no lint config, none recorded.
    tree.delete(`${root}/${LINT_CONFIG_FILE}`);
    const record = readGeneratorRecord(tree, root, SERVICE_GENERATOR)!;
    const { [LINT_CONFIG_FILE]: _hash, ...files } = record.files;
    writeGeneratorRecord(tree, root, SERVICE_GENERATOR, { ...record, files });

    await addLint(tree);
    const drift = await driftReport(tree, 'orders', root);
    const lint = drift.generations.flatMap((g) => g.files).find((f) => f.path.endsWith(LINT_CONFIG_FILE));
    expect(lint?.state).toBe('in-sync');
  });

  // vitest's module interop hid this: under Node itself, the workspace's prettier 3 loads as a CommonJS
  // namespace whose API is under `default` only, and `nx g` failed with "prettier.resolveConfig is not a function".
  it('loads the workspace prettier under Node itself, as nx g runs the built plugin', () => {
    const dir = mkdtempSync(join(scratch, 'format-node-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'package.json'), '{}\n');
    writeFileSync(join(dir, '.prettierrc'), '{ "singleQuote": true }\n');
    const built = pathToFileURL(join(packageRoot, 'dist/packages/nx/src/format.js')).href;
    const script = `const { formatRendered } = await import(${JSON.stringify(built)});
const [file] = await formatRendered({ root: ${JSON.stringify(dir)} }, 'src', [{ path: 'a.ts', content: 'const a = "x"', writeOnce: false }]);
process.stdout.write(file.content);`;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })).toBe("const a = 'x';\n");
  });

  it('leaves files as rendered in a workspace without prettier', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await newMcpService(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
    const template = readFileSync(join(packageRoot, '../../templates/server/src/capabilities/text-stats.ts'), 'utf8');
    expect(tree.read('services/orders/src/capabilities/text-stats.ts', 'utf-8')).toBe(template);
  });
});
