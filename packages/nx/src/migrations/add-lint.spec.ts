import { readJson, readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import newMcpService from '../../../../generators/new-mcp-service/generator.js';
import { contentHash, readGeneratorRecord, writeGeneratorRecord } from '../answers.js';
import { LINT_CONFIG_FILE, LINT_PACKAGES, LINT_TARGET } from '../lint.js';
import { treeFiles } from '../testing-support.js';
import { versions } from '../versions.js';
import addLint from './add-lint.js';

const ROOT = 'services/orders';
const KEY = '@slipway/nx:new-mcp-service';

/** A service as an earlier release generated it: no lint config, script, packages or target. */
async function olderService(tree: Tree): Promise<void> {
  await newMcpService(tree, { name: 'orders', skipInstall: true, deploy: 'none' });
  tree.delete(`${ROOT}/${LINT_CONFIG_FILE}`);
  const project = readProjectConfiguration(tree, 'orders');
  const { lint: _lint, ...targets } = project.targets ?? {};
  tree.write(`${ROOT}/project.json`, `${JSON.stringify({ ...project, targets }, null, 2)}\n`);
  const pkg = readJson<{ scripts: Record<string, string>; devDependencies: Record<string, string> }>(tree, `${ROOT}/package.json`);
  delete pkg.scripts['lint'];
  for (const name of LINT_PACKAGES) delete pkg.devDependencies[name];
  tree.write(`${ROOT}/package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
  const record = readGeneratorRecord(tree, ROOT, KEY)!;
  const { [LINT_CONFIG_FILE]: _hash, ...files } = record.files;
  writeGeneratorRecord(tree, ROOT, KEY, { ...record, version: '0.1.0', files });
}

describe('migration: add-lint', () => {
  let tree: Tree;
  beforeEach(async () => {
    tree = createTreeWithEmptyWorkspace();
    await olderService(tree);
  });

  it('adds the config, script, packages and cached target an older service lacks, as new-mcp-service renders them; a re-run changes nothing', async () => {
    expect(await addLint(tree)).toBeTypeOf('function');
    const fresh = createTreeWithEmptyWorkspace();
    await newMcpService(fresh, { name: 'orders', skipInstall: true, deploy: 'none' });
    const config = fresh.read(`${ROOT}/${LINT_CONFIG_FILE}`, 'utf-8')!;
    expect(tree.read(`${ROOT}/${LINT_CONFIG_FILE}`, 'utf-8')).toBe(config);
    expect(readGeneratorRecord(tree, ROOT, KEY)?.files[LINT_CONFIG_FILE]).toBe(contentHash(config));
    const pkg = readJson<{ scripts: Record<string, string>; devDependencies: Record<string, string> }>(tree, `${ROOT}/package.json`);
    expect(pkg.scripts['lint']).toBe('eslint .');
    for (const name of LINT_PACKAGES) expect(pkg.devDependencies[name], name).toBe(versions[name]);
    expect(readProjectConfiguration(tree, 'orders').targets?.['lint']).toEqual(LINT_TARGET);

    const before = treeFiles(tree);
    expect(await addLint(tree)).toBeUndefined();
    expect(treeFiles(tree)).toEqual(before);
  });

  it('keeps a config, script, package version and target the team already has', async () => {
    tree.write(`${ROOT}/eslint.config.js`, 'export default [];\n');
    const pkg = readJson<{ scripts: Record<string, string>; devDependencies: Record<string, string> }>(tree, `${ROOT}/package.json`);
    pkg.scripts['lint'] = 'eslint src --max-warnings 0';
    tree.write(`${ROOT}/package.json`, JSON.stringify(pkg));
    const project = readProjectConfiguration(tree, 'orders');
    const theirs = { executor: 'nx:run-commands', options: { command: 'echo lint' } };
    tree.write(`${ROOT}/project.json`, JSON.stringify({ ...project, targets: { ...project.targets, lint: theirs } }));
    const before = treeFiles(tree);

    expect(await addLint(tree)).toBeUndefined();
    expect(treeFiles(tree)).toEqual(before);
    expect(tree.exists(`${ROOT}/${LINT_CONFIG_FILE}`)).toBe(false);
  });

  it("takes a team layer's lint config over Slipway's, and adds only what is missing", async () => {
    tree.write('nx.json', JSON.stringify({ plugins: [{ plugin: '@slipway/nx/plugin', options: { layers: ['tools/slipway'] } }] }));
    tree.write('tools/slipway/templates/server/eslint.config.mjs', '// ACME lint rules\nexport default [];\n');
    const project = readProjectConfiguration(tree, 'orders');
    tree.write(`${ROOT}/project.json`, JSON.stringify({ ...project, targets: { ...project.targets, lint: LINT_TARGET } }));

    expect(await addLint(tree)).toBeTypeOf('function');
    expect(tree.read(`${ROOT}/${LINT_CONFIG_FILE}`, 'utf-8')).toBe('// ACME lint rules\nexport default [];\n');
    expect(readJson(tree, `${ROOT}/package.json`).scripts.lint).toBe('eslint .');
  });

  it('leaves projects Slipway did not generate alone', async () => {
    tree.write('services/handmade/project.json', JSON.stringify({ name: 'handmade', root: 'services/handmade', targets: {} }));
    tree.write('services/handmade/package.json', JSON.stringify({ name: 'handmade' }));
    await addLint(tree);
    expect(readProjectConfiguration(tree, 'handmade').targets).toEqual({});
    expect(tree.exists(`services/handmade/${LINT_CONFIG_FILE}`)).toBe(false);
  });
});
