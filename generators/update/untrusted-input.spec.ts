import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registryLoader, type RenderingApiLoader } from '../../packages/nx/src/slipway-versions.js';
import newMcpService from '../new-mcp-service/generator.js';
import update from './generator.js';

const ANSWERS = 'services/sales/.slipway-answers.json';
const KEY = '@slipway/nx:new-mcp-service';
const HOSTILE = '../../../../../x';

type Answers = { records: Record<string, Record<string, unknown>> };

/**
 * A pull request can change .slipway-answers.json. Here its version points the registry loader's
 * cache path at x/package/, where a planted script would write a marker file when imported.
 */
describe('update with an untrusted answers record', () => {
  let dir: string;
  let tree: Tree;
  let original: string;
  let marker: string;
  let loaded: string[];
  const spyLoader: RenderingApiLoader = async (version) => {
    loaded.push(version);
    throw new Error('the spec loads no version');
  };

  const editAnswers = (edit: (answers: Answers) => void) => {
    const answers = JSON.parse(original) as Answers;
    edit(answers);
    tree.write(ANSWERS, JSON.stringify(answers, null, 2));
  };
  const changes = () => tree.listChanges().map((c) => [c.path, c.type, c.content?.toString()]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-untrusted-'));
    marker = join(dir, 'pwned');
    mkdirSync(join(dir, 'x/package'), { recursive: true });
    writeFileSync(join(dir, 'x/package/package.json'), JSON.stringify({ name: 'x', main: 'index.js' }));
    writeFileSync(join(dir, 'x/package/index.js'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n`);
    tree = createTreeWithEmptyWorkspace();
    // The real loader works on disk, under the workspace root: the temp folder.
    Object.defineProperty(tree, 'root', { value: dir });
    await newMcpService(tree, { name: 'sales', skipInstall: true, deploy: 'none' });
    original = tree.read(ANSWERS, 'utf-8')!;
  });

  beforeEach(() => {
    loaded = [];
  });

  afterEach(() => {
    tree.write(ANSWERS, original);
    process.argv = process.argv.filter((a) => a !== '--dry-run');
    process.exitCode = undefined;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([false, true])('refuses a version that is a path, naming the file, field and fix, and runs nothing (dry run: %s)', async (dryRun) => {
    if (dryRun) process.argv.push('--dry-run');
    editAnswers((a) => {
      a.records[KEY]!['version'] = HOSTILE;
    });
    const before = changes();
    const refusal = update(tree, { project: 'sales' });
    await expect(refusal).rejects.toThrow(ANSWERS);
    await expect(refusal).rejects.toThrow(`records["${KEY}"].version: must be an exact version such as 1.4.2`);
    await expect(refusal).rejects.toThrow(/Fix: restore it as Slipway wrote it/);
    expect(existsSync(marker)).toBe(false);
    expect(changes()).toEqual(before);
  });

  it('the registry loader itself refuses a version that is not exact, and imports nothing', async () => {
    await expect(registryLoader(dir)(HOSTILE)).rejects.toThrow(/not an exact version/);
    expect(existsSync(marker)).toBe(false);
  });

  it('the registry loader imports no entry point outside the unpacked package', async () => {
    const cached = join(dir, 'node_modules/.cache/slipway/nx-9.9.9/package');
    mkdirSync(cached, { recursive: true });
    writeFileSync(join(cached, 'package.json'), JSON.stringify({ main: '../../../../../x/package/index.js' }));
    await expect(registryLoader(dir)('9.9.9')).rejects.toThrow(/entry point outside its package/);
    expect(existsSync(marker)).toBe(false);
  });

  const rejected: ReadonlyArray<[string, (a: Answers) => void, string]> = [
    ['a file: spec', (a) => void (a.records[KEY]!['version'] = 'file:../x'), `records["${KEY}"].version: must be an exact version`],
    ['a tag', (a) => void (a.records[KEY]!['version'] = 'latest'), `records["${KEY}"].version: must be an exact version`],
    ['a range', (a) => void (a.records[KEY]!['version'] = '1.0.0 || ../x'), `records["${KEY}"].version: must be an exact version`],
    [
      'a file outside the workspace',
      (a) => void ((a.records[KEY]!['files'] as Record<string, string>)['../../etc/passwd'] = `sha256:${'0'.repeat(64)}`),
      `records["${KEY}"].files["../../etc/passwd"]: the key "../../etc/passwd" must stay inside the workspace`,
    ],
    [
      'an absolute layer path',
      (a) => void (a.records[KEY]!['layers'] = [{ path: '/etc', name: 'acme', version: '1.0.0', hash: `sha256:${'0'.repeat(64)}` }]),
      `records["${KEY}"].layers[0].path: must be relative to the workspace, not absolute`,
    ],
    [
      'an unknown generator',
      (a) => void (a.records['@evil/nx:pwn'] = a.records[KEY]!),
      'records["@evil/nx:pwn"]: the key "@evil/nx:pwn" is not a Slipway generator this version knows',
    ],
    ['options that are not an object', (a) => void (a.records[KEY]!['options'] = 'rm -rf /'), `records["${KEY}"].options: must be a JSON object`],
    ['options that are a list', (a) => void (a.records[KEY]!['options'] = ['--name', 'x']), `records["${KEY}"].options: must be a JSON object`],
  ];

  it.each(rejected)('refuses %s before loading or rendering anything', async (_, edit, message) => {
    editAnswers(edit);
    const before = changes();
    await expect(update(tree, { project: 'sales' }, spyLoader)).rejects.toThrow(message);
    expect(loaded).toEqual([]);
    expect(changes()).toEqual(before);
  });

  it('refuses a team layer declared outside the workspace, before loading or rendering anything', async () => {
    const nxJson = tree.read('nx.json', 'utf-8')!;
    try {
      tree.write('nx.json', JSON.stringify({ ...readJson(tree, 'nx.json'), plugins: [{ plugin: '@slipway/nx/plugin', options: { layers: ['../team'] } }] }));
      editAnswers((a) => void (a.records[KEY]!['version'] = '0.0.9'));
      await expect(update(tree, { project: 'sales' }, spyLoader)).rejects.toThrow('nx.json is not valid');
      await expect(update(tree, { project: 'sales' }, spyLoader)).rejects.toThrow('plugins[0].options.layers[0]: must stay inside the workspace');
      expect(loaded).toEqual([]);
    } finally {
      tree.write('nx.json', nxJson);
    }
  });

  it('still updates from a valid record', async () => {
    editAnswers((a) => void (a.records[KEY]!['version'] = '0.0.9'));
    await (
      await update(tree, { project: 'sales' }, spyLoader)
    )();
    // The spy cannot load 0.0.9, so the update falls back to two-way; the record moves on.
    expect(loaded).toEqual(['0.0.9']);
    expect(readJson<Answers>(tree, ANSWERS).records[KEY]!['version']).not.toBe('0.0.9');
    expect(existsSync(marker)).toBe(false);
  });
});
