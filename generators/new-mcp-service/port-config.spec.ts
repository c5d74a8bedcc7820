import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseConfigSchema, envInt, parseConfig } from '../../packages/mcp-runtime/src/config.js';
import generator from './generator.js';

/**
 * The generated config.ts re-declares PORT (with the service's own default). Its rule must stay the
 * runtime's: decimal only, 1 to 65535, empty means the default. The PORT line is evaluated as
 * generated, on top of the runtime's base schema, as the service's config.ts does.
 */
async function generatedPortSchema(preset: 'minimal' | 'retail') {
  const tree = createTreeWithEmptyWorkspace();
  await generator(tree, { name: 'orders', preset, port: 4100, deploy: 'none', skipInstall: true });
  const source = tree.read('services/orders/src/config.ts', 'utf-8') ?? '';
  const expression = /^\s*PORT: (.+),$/m.exec(source)?.[1];
  expect(expression, 'the PORT line of src/config.ts').toBeDefined();
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluates the generated PORT expression itself, as the service will.
  const port = new Function('z', 'envInt', `return (${expression});`)(z, envInt) as z.ZodType;
  return baseConfigSchema.extend({ PORT: port });
}

describe.each(['minimal', 'retail'] as const)('the generated config.ts (%s preset): PORT', (preset) => {
  let schema: Awaited<ReturnType<typeof generatedPortSchema>>;
  beforeAll(async () => {
    schema = await generatedPortSchema(preset);
  });

  it('takes the assigned default when unset or empty, and a decimal port', () => {
    expect(parseConfig(schema, {}).PORT).toBe(4100);
    expect(parseConfig(schema, { PORT: '' }).PORT).toBe(4100);
    expect(parseConfig(schema, { PORT: '8080' }).PORT).toBe(8080);
  });

  it.each(['0', '0x10', '1e3', '65536', '-1', '80.5'])('refuses PORT=%j with one line naming PORT', (value) => {
    expect(() => parseConfig(schema, { PORT: value })).toThrow(
      `Invalid configuration: PORT must be an integer between 1 and 65535 (got ${JSON.stringify(value)})`,
    );
  });
});
