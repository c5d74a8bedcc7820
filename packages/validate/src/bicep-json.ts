// Bicep expressions evaluated to the JSON ARM would see, as far as that is knowable without deploying.
import type { SyntaxNode } from './bicep-tree.js';

export type Json = Record<string, unknown>;

/** Placeholder for any Bicep expression: the form ARM schemas accept wherever a value may be computed. */
const EXPRESSION = '[expression]';

export function stringValue(node: SyntaxNode): string {
  if (node.namedChildren.some((c) => c.type === 'interpolation')) return EXPRESSION;
  return node.namedChildren
    .map((c) => {
      if (c.type !== 'escape_sequence') return c.text;
      const escaped = c.text.slice(1);
      return ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[escaped] ?? escaped;
    })
    .join('');
}

/** How expressions become JSON: vars are inlined, and a ternary takes one branch (both get checked). */
interface Conversion {
  readonly vars: ReadonlyMap<string, SyntaxNode>;
  readonly branch: 'then' | 'else';
  /** Set when a ternary with a literal branch was met, so the other branch is worth a second pass. */
  sawTernary?: boolean;
}

const LITERALS = new Set(['object', 'array', 'string', 'number', 'boolean', 'null']);

/**
 * An object literal as JSON. A reference to a `var` holding a literal is inlined; a ternary takes its
 * `then` or `else` branch (callers check both); any other expression becomes the placeholder, which ARM
 * schemas accept wherever a value may be computed. Nested resources are skipped.
 */
export function bicepToJson(node: SyntaxNode, conversion: Conversion = { vars: new Map(), branch: 'then' }, depth = 0): unknown {
  const recurse = (child: SyntaxNode): unknown => bicepToJson(child, conversion, depth + 1);
  switch (node.type) {
    case 'object': {
      const result: Json = {};
      for (const property of node.namedChildren.filter((c) => c.type === 'object_property')) {
        const [key, value] = property.namedChildren;
        if (!key || !value || key.type === 'resource_declaration') continue;
        const converted = recurse(value);
        // ARM drops a property whose value is null, as if it were not written.
        if (converted !== null) result[key.type === 'string' ? stringValue(key) : key.text] = converted;
      }
      return result;
    }
    case 'array':
      return node.namedChildren.filter((c) => c.type !== 'comment').map(recurse);
    case 'string':
      return stringValue(node);
    case 'number':
      return Number(node.text);
    case 'boolean':
      return node.text === 'true';
    case 'null':
      return null;
    case 'parenthesized_expression':
      return node.namedChildren[0] ? recurse(node.namedChildren[0]) : EXPRESSION;
    case 'identifier': {
      const value = conversion.vars.get(node.text);
      return value && depth < 20 && (LITERALS.has(value.type) || value.type === 'ternary_expression') ? recurse(value) : EXPRESSION;
    }
    case 'ternary_expression': {
      const [, whenTrue, whenFalse] = node.namedChildren;
      const chosen = conversion.branch === 'then' ? whenTrue : whenFalse;
      if (!chosen) return EXPRESSION;
      conversion.sawTernary = true;
      return recurse(chosen);
    }
    default:
      return EXPRESSION;
  }
}

/** Both readings of a resource body (the `then` and `else` branches of its ternaries), as JSON. */
export function bodyReadings(body: SyntaxNode | undefined, vars: ReadonlyMap<string, SyntaxNode>): Json[] {
  if (!body) return [];
  const readings: Json[] = [];
  for (const branch of ['then', 'else'] as const) {
    const conversion: Conversion = { vars, branch };
    const json = bicepToJson(body, conversion);
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) readings.push(json as Json);
    if (!conversion.sawTernary) break;
  }
  return readings;
}
