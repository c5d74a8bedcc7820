import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import type { z } from 'zod';

type JsonObject = Record<string, unknown>;
type Io = 'input' | 'output';

// The SDK converts with this target; precomputing it keeps zod→JSON Schema off the per-request path.
const SDK_TARGET = 'draft-2020-12';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

type StandardResult = ReturnType<z.ZodObject['~standard']['validate']>;

/**
 * Wraps a zod object as a Standard Schema whose JSON Schema conversions are computed once and frozen.
 * Validation is zod's own; every McpServer built per request shares the converted schemas.
 * `onInvalid` sees values the schema rejects: the SDK answers those before any handler runs.
 */
export function withPrecomputedJsonSchema(schema: z.ZodObject, onInvalid?: () => void): StandardSchemaWithJSON {
  const std = schema['~standard'];
  const validate =
    onInvalid === undefined
      ? std.validate
      : (value: unknown): StandardResult => {
          const result = std.validate(value);
          if (result instanceof Promise) {
            return result.then((settled) => {
              if (settled.issues) onInvalid();
              return settled;
            });
          }
          if (result.issues) onInvalid();
          return result;
        };
  const cache = new Map<string, JsonObject>();
  const convert = (io: Io, options: { readonly target: string }): JsonObject => {
    const key = `${io}:${options.target}`;
    let json = cache.get(key);
    if (json === undefined) {
      json = deepFreeze(std.jsonSchema[io](options as Parameters<typeof std.jsonSchema.input>[0]));
      cache.set(key, json);
    }
    return json;
  };
  convert('input', { target: SDK_TARGET });
  convert('output', { target: SDK_TARGET });
  return Object.freeze({
    '~standard': Object.freeze({
      version: 1 as const,
      vendor: std.vendor,
      validate,
      jsonSchema: Object.freeze({
        input: (options: { readonly target: string }) => convert('input', options),
        output: (options: { readonly target: string }) => convert('output', options),
      }),
    }),
  });
}
