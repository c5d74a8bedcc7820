import { describe, expect, it } from 'vitest';
import { nxProjectValidator } from './nx-project.js';

describe('nx project.json validator', () => {
  it('reports a project.json that is not JSON as a problem of that file, instead of throwing', async () => {
    const problems = await nxProjectValidator.validate(new Map([['services/orders/project.json', '{ "name": "orders",']]));
    expect(problems).toEqual([{ file: 'services/orders/project.json', message: expect.stringMatching(/^not valid JSON: /) }]);
  });

  it('checks every project.json against the schema nx ships, and nothing else', async () => {
    const files = new Map([
      ['services/orders/project.json', JSON.stringify({ name: 'orders', targets: { build: { executor: 42 } } })],
      ['services/billing/project.json', JSON.stringify({ name: 'billing', targets: {} })],
      ['services/orders/package.json', '{'],
    ]);
    const problems = await nxProjectValidator.validate(files);
    expect(problems.length).toBeGreaterThan(0);
    expect(new Set(problems.map((p) => p.file))).toEqual(new Set(['services/orders/project.json']));
  });
});
