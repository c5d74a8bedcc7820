import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';
import { packageRoot } from './package-paths.js';

interface JsonProperty {
  readonly type?: string | string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: unknown[];
  readonly 'x-prompt'?: string | { readonly items?: ReadonlyArray<{ readonly value: unknown }> };
}
interface JsonSchema {
  readonly properties: Readonly<Record<string, JsonProperty>>;
  readonly additionalProperties?: boolean;
  readonly required?: readonly string[];
}

const repoRoot = join(packageRoot, '../..');
const manifest = JSON.parse(readFileSync(join(packageRoot, 'generators.json'), 'utf8')) as { generators: Record<string, unknown> };
const generators = Object.keys(manifest.generators);

async function zodSchemaOf(generator: string): Promise<z.ZodType> {
  const module = (await import(join(repoRoot, 'generators', generator, 'schema.ts'))) as Record<string, unknown>;
  const schemas = Object.entries(module).filter(
    ([name, value]) => name.endsWith('Schema') && typeof value === 'object' && value !== null && 'safeParse' in value,
  );
  expect(schemas, `${generator}/schema.ts exports one option schema`).toHaveLength(1);
  return schemas[0]![1] as z.ZodType;
}

/** The fields of an object schema, under refinements and transforms. */
function shapeOf(schema: z.ZodType): Record<string, z.ZodType> {
  const def = schema.def as { shape?: Record<string, z.ZodType>; in?: z.ZodType };
  return def.shape ?? (def.in ? shapeOf(def.in) : {});
}

/** The allowed values of a zod field (under default/optional), when it is an enum. */
function enumValues(field: z.ZodType): unknown[] | undefined {
  const def = field.def as { type: string; innerType?: z.ZodType; entries?: Record<string, unknown> };
  if (def.type === 'enum' && def.entries) return Object.values(def.entries);
  return def.innerType ? enumValues(def.innerType) : undefined;
}

/** The value zod fills in when the option is left out, as it would be typed on the command line. */
function defaultText(field: z.ZodType): string | undefined {
  const def = field.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
  if (def.type === 'default') return Array.isArray(def.defaultValue) ? def.defaultValue.join(',') : String(def.defaultValue);
  return def.innerType ? defaultText(def.innerType) : undefined;
}

// zod decides what is valid; schema.json only describes the options for Nx (help, prompts), so a
// bad value, a wrong type or an unknown option reaches parseOptions and gets the option, the rule and a fix.
describe.each(generators)('%s: schema.json and the zod schema', (generator) => {
  const json = JSON.parse(readFileSync(join(repoRoot, 'generators', generator, 'schema.json'), 'utf8')) as JsonSchema;

  it('name the same options', async () => {
    expect(Object.keys(json.properties).sort()).toEqual(Object.keys(shapeOf(await zodSchemaOf(generator))).sort());
  });

  it('leave every rule to zod: no enum, no required, numbers also as text, unknown options let through', () => {
    expect(json.additionalProperties).toBe(true);
    expect(json.required).toBeUndefined();
    for (const [name, property] of Object.entries(json.properties)) {
      expect(property.enum, `${name}.enum`).toBeUndefined();
      if (property.type === 'number' || property.type === 'integer') expect.fail(`${name}: type ${property.type} must also accept a string`);
    }
  });

  // Nx passes schema.json's defaults to the generator as if typed, over a team layer's defaults.json.
  it('leave defaults to zod, and describe each one as zod has it', async () => {
    const shape = shapeOf(await zodSchemaOf(generator));
    for (const [name, property] of Object.entries(json.properties)) {
      expect(property.default, `${name}.default`).toBeUndefined();
      const fallback = shape[name] ? defaultText(shape[name]) : undefined;
      if (fallback === '') expect(property.description, `${name}.description`).toMatch(/none by default/i);
      else if (fallback !== undefined) expect(property.description, `${name}.description`).toContain(`Default: ${fallback}`);
    }
  });

  it('prompt with exactly the values zod accepts', async () => {
    const shape = shapeOf(await zodSchemaOf(generator));
    for (const [name, property] of Object.entries(json.properties)) {
      const prompt = property['x-prompt'];
      if (typeof prompt !== 'object' || !prompt.items || !shape[name]) continue;
      expect(prompt.items.map((item) => item.value).sort(), name).toEqual([...(enumValues(shape[name]) ?? [])].sort());
    }
  });
});

describe('parseOptions', () => {
  it('refuses an unknown option, naming it and the options there are', async () => {
    const schema = await zodSchemaOf('docker');
    expect(() => parseOptions(createTreeWithEmptyWorkspace(), 'docker', schema, { project: 'orders', prot: 4000 })).toThrow(
      /Invalid options for @slipway\/nx:docker; nothing was written\.\n {2}--prot: is not an option of @slipway\/nx:docker; the options are --project, /,
    );
  });
});
