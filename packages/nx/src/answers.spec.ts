import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { parseAnswers, readAnswers, readGeneratorRecord, writeGeneratorRecord, type GeneratorRecord } from './answers.js';
import { UntrustedFileError } from './untrusted.js';

const FILE = 'services/orders/.slipway-answers.json';
const KEY = '@slipway/nx:docker';
const HASH = `sha256:${'0a'.repeat(32)}`;
const valid: GeneratorRecord = {
  version: '1.2.3-rc.1+build.5',
  options: { name: 'orders', tags: ['type:mcp-service'], port: 3000, nested: { ok: true, none: null } },
  base: '',
  layers: [{ path: 'tools/slipway', name: 'acme-platform-layer', version: '0.1.0', hash: HASH }],
  files: { Dockerfile: HASH, '.github/workflows/ci.yml': HASH },
};

const withRecord = (patch: Record<string, unknown>, key = KEY) => JSON.stringify({ records: { [key]: { ...valid, ...patch } } });
const parse = (text: string) => () => parseAnswers(text, FILE);

describe('the answers record parser', () => {
  it('accepts what Slipway writes, unchanged', () => {
    expect(parseAnswers(withRecord({}), FILE)).toEqual({ records: { [KEY]: valid } });
    expect(parseAnswers(JSON.stringify({ records: { '@slipway/nx:adopt': { version: '0.1.0', options: {}, files: {} } } }), FILE).records).toHaveProperty([
      '@slipway/nx:adopt',
    ]);
  });

  it.each([
    '../../../../../x',
    'file:../x',
    'latest',
    '1.0.0 || ../x',
    '^1.0.0',
    'v1.0.0',
    '=1.0.0',
    ' 1.0.0',
    '1.0.0\n',
    '1.0',
    '01.0.0',
    '1.0.0-',
    'https://evil.example/x.tgz',
    'git+ssh://x',
    `1.0.0-${'a'.repeat(300)}`,
    '9007199254740992.0.0',
  ])('refuses the version %j', (version) => {
    expect(parse(withRecord({ version }))).toThrow(UntrustedFileError);
    expect(parse(withRecord({ version }))).toThrow(`records["${KEY}"].version: must be an exact version`);
  });

  it.each([
    ['../../etc/passwd', 'must stay inside the workspace'],
    ['/etc/passwd', 'must be relative to the workspace, not absolute'],
    ['C:/Windows/win.ini', 'must be relative to the workspace, not absolute'],
    ['src\\main.ts', 'must use forward slashes'],
    ['src/\u0000main.ts', 'must not contain control characters'],
    ['./src/main.ts', 'must be normalized'],
    ['src//main.ts', 'must be normalized'],
    ['src/', 'must be normalized'],
    ['', 'must not be empty'],
  ])('refuses the file path %j', (path, problem) => {
    expect(parse(withRecord({ files: { [path]: HASH } }))).toThrow(
      `records["${KEY}"].files[${JSON.stringify(path)}]: the key ${JSON.stringify(path)} ${problem}`,
    );
  });

  it.each([
    [{ base: '../outside' }, 'base: must stay inside'],
    [{ base: '/srv' }, 'base: must be relative'],
    [{ layers: [{ ...valid.layers![0], path: '/etc' }] }, 'layers[0].path: must be relative to the workspace, not absolute'],
    [{ layers: [{ ...valid.layers![0], path: '../team' }] }, 'layers[0].path: must stay inside'],
    [{ layers: [{ ...valid.layers![0], path: 'tools/$(id)' }] }, 'layers[0].path: may contain only'],
    [{ layers: [{ ...valid.layers![0], version: 'latest' }] }, 'layers[0].version: must be an exact version'],
    [{ layers: [{ ...valid.layers![0], name: 'acme\u001b[2J' }] }, 'layers[0].name: must be'],
    [{ layers: [{ ...valid.layers![0], hash: 'md5:abc' }] }, 'layers[0].hash: must be a content hash'],
    [{ files: { Dockerfile: `sha256:${'A'.repeat(64)}` } }, 'files.Dockerfile: must be a content hash'],
    [{ options: 'rm -rf /' }, 'options: must be a JSON object'],
    [{ options: ['--name', 'x'] }, 'options: must be a JSON object'],
    [{ options: null }, 'options: must be a JSON object'],
    [{ extra: 1 }, `records["${KEY}"]: unknown field(s) "extra"`],
  ])('refuses %j, naming the field', (patch, message) => {
    expect(parse(withRecord(patch))).toThrow(message);
  });

  it('refuses a generator key the registry does not know', () => {
    expect(parse(withRecord({}, '@evil/nx:pwn'))).toThrow('records["@evil/nx:pwn"]: the key "@evil/nx:pwn" is not a Slipway generator');
    expect(parse(withRecord({}, 'constructor'))).toThrow('is not a Slipway generator');
  });

  it('names the file and the fix, lists every problem, and says nothing was run', () => {
    const text = withRecord({ version: 'latest', files: { '../x': HASH } });
    expect(parse(text)).toThrow(
      new RegExp(`^${FILE.replace(/\./g, '\\.')} is not valid; Slipway refused it before rendering, loading or installing anything\\.`),
    );
    expect(parse(text)).toThrow(/\.version: .*\n.*\.files\["\.\.\/x"\]: /);
    expect(parse(text)).toThrow(`Fix: restore it as Slipway wrote it (see git log -p -- ${FILE})`);
    expect(parse('[]')).toThrow('(the whole file): must be an object');
    expect(parse('{ nope')).toThrow(`${FILE} is not valid JSON`);
  });

  it('is what every reader goes through', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write(FILE, withRecord({ version: '../../x' }));
    expect(() => readAnswers(tree, 'services/orders')).toThrow('.version: must be an exact version');
    expect(() => readGeneratorRecord(tree, 'services/orders', KEY)).toThrow('.version: must be an exact version');
    expect(() => writeGeneratorRecord(tree, 'services/orders', '@slipway/nx:k8s', valid)).toThrow('.version: must be an exact version');
    tree.write(FILE, withRecord({}));
    expect(readGeneratorRecord(tree, 'services/orders', 'toString')).toBeUndefined();
  });
});
