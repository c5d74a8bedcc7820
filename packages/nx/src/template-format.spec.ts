import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { bicepString, json, shellQuote, yaml } from './template-format.js';

const AMBIGUOUS = [
  'null',
  'Null',
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  '~',
  '1234',
  '0x1f',
  '0o17',
  '1e5',
  'e5',
  '1_000',
  '12:30',
  '.inf',
  '.nan',
];
const SYNTAX = ['a: b', 'a #b', '#a', '- a', '*a', '&a', '!a', '@a', '`a', '%a', '{a}', '[a]', '"a"', "'a'", '|a', '>a', '', ' a', 'a ', 'a\nb'];

describe('yaml(): a scalar that reads back as the same value', () => {
  it.each([...AMBIGUOUS, ...SYNTAX])('%j reads back as that string under YAML 1.1 and 1.2, as a value and in a flow sequence', (value) => {
    for (const version of ['1.1', '1.2'] as const) {
      expect(parse(`key: ${yaml(value)}`, { version })).toEqual({ key: value });
      expect(parse(`${yaml(value)}: x`, { version })).toEqual({ [value]: 'x' });
      expect(parse(`list: [${yaml(value)}, ${yaml(value)}]`, { version })).toEqual({ list: [value, value] });
    }
    expect(yaml(value)).not.toContain('\n');
  });

  it.each([
    'orders',
    'orders-success-rate',
    'http://prom:9090/p?x=1&y=2',
    'registry.example.com/orders:0.1.0',
    'localhost,127.0.0.1,[::1],orders',
    '.',
    '../..',
    'PORT=3000',
  ])('%j stays plain, as the templates wrote it before', (value) => expect(yaml(value)).toBe(value));

  it('keeps numbers and booleans what they are', () => {
    expect(parse(`a: ${yaml(3000)}\nb: ${yaml(true)}`)).toEqual({ a: 3000, b: true });
  });
});

describe('json(), bicepString(), shellQuote()', () => {
  it('json() writes a JSON value', () => {
    expect(JSON.parse(json('a"b\\c'))).toBe('a"b\\c');
    expect(json('0.1.0')).toBe('"0.1.0"');
  });

  it("bicepString() escapes \\, ' and ${ (Bicep interpolation)", () => {
    expect(bicepString('orders')).toBe("'orders'");
    expect(bicepString("it's ${x} \\ done")).toBe("'it\\'s \\${x} \\\\ done'");
    expect(bicepString(9464)).toBe("'9464'");
  });

  it.each(['orders', "it's", '$(rm -rf /) `x` "y" \\ * ?', '{"text":"Slipway smoke test."}', ''])(
    'shellQuote(%j) is one word the shell reads back',
    (value) => {
      expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' })).toBe(value);
    },
  );
});
