import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from './args.js';

describe('command line', () => {
  it('reads the name and every answer a flag can give', () => {
    expect(
      parseFlags(['acme', '--yes', '--service', 'orders', '--database=postgres', '--layer', './tools/slipway/', '--registry', 'http://127.0.0.1:4873/']),
    ).toEqual({
      name: 'acme',
      yes: true,
      service: 'orders',
      database: 'postgres',
      layer: 'tools/slipway',
      registry: 'http://127.0.0.1:4873/',
      help: false,
      version: false,
    });
  });

  it('leaves unanswered questions open, and tells "no layer" from "not said"', () => {
    expect(parseFlags([])).toEqual({ yes: false, help: false, version: false });
    expect(parseFlags(['-y', '--layer', 'none'])).toMatchObject({ yes: true, layer: null });
  });

  it.each<[string[], RegExp]>([
    [['My_Platform'], /name: "My_Platform" may contain only lowercase letters/],
    [['a', 'b'], /one workspace name, please/],
    [['--service', 'Orders_API'], /--service: "Orders_API" .*Try "orders-api"/],
    [['--database', 'mysql'], /--database: "mysql" is not a database Slipway knows: use pglite, postgres, none/],
    [['--layer', '../elsewhere'], /--layer: "..\/elsewhere" must stay inside the workspace/],
    [['--layer', '/etc'], /--layer: "\/etc" must be relative/],
    [['--registry', 'not a url'], /--registry: "not a url" is not a URL/],
    [['--service', ' ', '--database', 'none'], /--database: is the first service’s database; give --service too/],
    [['--colour'], /Unknown option '--colour'/],
  ])('rejects %j with the reason', (argv, message) => {
    expect(() => parseFlags(argv)).toThrow(UsageError);
    expect(() => parseFlags(argv)).toThrow(message);
  });

  it('reports every bad flag at once', () => {
    expect(() => parseFlags(['X', '--database', 'mysql'])).toThrow(/name: .*\n--database: /);
  });
});
