import { describe, expect, it } from 'vitest';
import { serviceNameProblems, suggestServiceName, titleCase, workspaceNameProblems } from './names.js';

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

  it('suggests a valid name', () => {
    for (const bad of ['Orders_API', '42things', 'a', 'Été--Café!', '-x-']) {
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
