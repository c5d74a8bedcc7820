import type { ErrorObject } from 'ajv';

// oneOf/anyOf/if failures only repeat what their branches already said; the branch errors name the field.
const NOISE = new Set(['oneOf', 'anyOf', 'if', 'not']);

/** `instancePath`, with `/` for the document root. */
function where(error: ErrorObject): string {
  return error.instancePath === '' ? '/' : error.instancePath;
}

/**
 * Turns ajv errors into one readable line each: unknown fields by name, enums with their values.
 * Under oneOf (ARM's "value or expression" pairs) the expression branch always fails too, so its
 * pattern error is dropped when a more specific error exists at the same place.
 */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  const list = (errors ?? []).filter((e) => !NOISE.has(e.keyword));
  const specific = list.filter(
    (e) => !e.schemaPath.includes('/definitions/expression') && !(e.keyword === 'pattern' && String(e.params['pattern']).startsWith('^\\[')),
  );
  const chosen = specific.length > 0 ? specific : list;
  const lines = chosen.map((e) => {
    if (e.keyword === 'additionalProperties') return `${where(e)}: unknown field "${String(e.params['additionalProperty'])}"`;
    if (e.keyword === 'enum') return `${where(e)}: must be one of ${(e.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    if (e.keyword === 'const') return `${where(e)}: must be ${JSON.stringify(e.params['allowedValue'])}`;
    return `${where(e)}: ${e.message ?? e.keyword}`;
  });
  const unique = [...new Set(lines)];
  return unique.length > 0 || (errors ?? []).length === 0 ? unique : [`${where(errors![0]!)}: ${errors![0]!.message ?? 'invalid'}`];
}
