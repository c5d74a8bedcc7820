import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  environmentVariablePart,
  isSlipwayPlugin,
  NAMESPACE_BASE_MAX,
  namespaceBaseProblem,
  serviceNameProblems,
  sqlIdentifier,
  suggestServiceName,
  titleCase,
  workspaceNameProblems,
} from './names.js';

describe('service names', () => {
  it.each(['orders', 'ab', 'orders-api', 'a1', 'x'.repeat(32)])('accepts %j', (name) => {
    expect(serviceNameProblems(name)).toEqual([]);
  });

  it.each([
    ['', 1],
    ['Orders', 2],
    ['-orders', 1],
    ['orders.api', 1],
    ['orders--api', 1],
  ])('rejects %j', (name, count) => {
    expect(serviceNameProblems(name).length).toBeGreaterThanOrEqual(count);
  });

  // Unquoted in Kubernetes labels and Compose environment these become booleans, null or numbers.
  it.each(['null', 'true', 'false', 'yes', 'no', 'on', 'off', 'e5', 'e-10'])('rejects %j, which YAML reads as a non-string', (name) => {
    expect(serviceNameProblems(name)).toEqual([expect.stringContaining('YAML reads as a boolean, null or number')]);
    expect(suggestServiceName(name)).toBe(`${name}-service`);
    expect(serviceNameProblems(suggestServiceName(name))).toEqual([]);
  });

  // Found by generators/fuzz.spec.ts: the YAML parser throws on these, and a crash is no error message.
  it.each(['@x', '`x`', '%x', '*x'])('refuses %j, which YAML cannot read as a plain scalar, with the rules it breaks', (name) => {
    expect(serviceNameProblems(name)).toContain('must not be a word YAML reads as a boolean, null or number (Kubernetes labels, Docker Compose)');
  });

  it('accepts no name that YAML 1.1 or 1.2 reads as a non-string (every name up to 3 characters, and longer words)', () => {
    const chars = 'abcdefghijklmnopqrstuvwxyz0123456789-';
    const names = ['null', 'true', 'false', 'yes', 'off', 'none', 'nan', 'inf', 'e-10', 'e123', 'e-1234567890', 'e1-2'];
    for (const a of chars.slice(0, 26)) for (const b of chars) names.push(a + b, ...[...chars].map((c) => a + b + c));
    const reads = (name: string): string[] =>
      [parse(name, { version: '1.1' }), parse(name, { version: '1.2' })].filter((value) => typeof value !== 'string').map(String);
    const accepted = names.filter((name) => serviceNameProblems(name).length === 0);
    expect(accepted.length).toBeGreaterThan(30_000);
    expect(accepted.filter((name) => reads(name).length > 0)).toEqual([]);
  });

  it('suggests a valid name', () => {
    for (const bad of ['Orders_API', '42things', 'a', 'Été--Café!', '-x-', 'Y', 'NULL', `e-${'1'.repeat(30)}`]) {
      expect(serviceNameProblems(suggestServiceName(bad)), bad).toEqual([]);
    }
    expect(suggestServiceName('Orders_API')).toBe('orders-api');
  });

  it('title-cases for display', () => {
    expect(titleCase('orders-api')).toBe('Orders Api');
  });
});

describe('workspace names', () => {
  it.each(['my-platform', 'acme.platform', 'platform_2', '1st'])('accepts %j', (name) => {
    expect(workspaceNameProblems(name)).toEqual([]);
  });

  it.each(['', 'My-Platform', '.hidden', '_x', 'a/b', '@acme/platform', 'node_modules', 'x'.repeat(215)])('rejects %j', (name) => {
    expect(workspaceNameProblems(name).length).toBeGreaterThan(0);
  });
});

describe('names derived from a service name', () => {
  it('an environment variable part is the name in capitals, every other character an underscore', () => {
    expect(environmentVariablePart('orders-api2')).toBe('ORDERS_API2');
    expect(environmentVariablePart('a.b_c')).toBe('A_B_C');
  });

  it('a SQL identifier needs no quoting', () => {
    expect(sqlIdentifier('orders-api')).toBe('orders_api');
  });

  it('a namespace leaves room for the longest overlay suffix within a DNS-1123 label', () => {
    expect(NAMESPACE_BASE_MAX + '-staging'.length).toBe(63);
    expect(namespaceBaseProblem('a'.repeat(NAMESPACE_BASE_MAX))).toBeUndefined();
    expect(namespaceBaseProblem('a'.repeat(NAMESPACE_BASE_MAX + 1))).toMatch(/^must be at most 55 characters/);
  });

  it("knows Slipway's nx.json plugin entries by either name, as a string or an object", () => {
    expect(isSlipwayPlugin('@slipway/nx')).toBe(true);
    expect(isSlipwayPlugin({ plugin: '@slipway/nx/plugin' })).toBe(true);
    expect(isSlipwayPlugin({ plugin: '@nx/js' })).toBe(false);
  });
});
