/** Helpers over libpg-query's JSON parse tree, shared by the SQL guard's modules. */

/** A query the guard refuses, with a message for the caller that says what to change. */
export class SqlRejectedError extends Error {
  override readonly name = 'SqlRejectedError';
}

export type Node = Record<string, unknown>;

export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every (key, value) pair of the parse tree, depth first. */
export function* walk(value: unknown): Generator<[string, unknown]> {
  if (Array.isArray(value)) {
    for (const item of value) yield* walk(item);
  } else if (isNode(value)) {
    for (const [key, child] of Object.entries(value)) {
      yield [key, child];
      yield* walk(child);
    }
  }
}

/** The names of a list of String nodes (a qualified name, a column list); '*' for A_Star, '?' otherwise. */
export function names(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => {
    if (isNode(item) && isNode(item['String']) && typeof item['String']['sval'] === 'string') return item['String']['sval'];
    return isNode(item) && 'A_Star' in item ? '*' : '?';
  });
}

/** The node wrapped as `{ Kind: {...} }`, when it is that kind. */
export function child(value: unknown, kind: string): Node | undefined {
  if (!isNode(value)) return undefined;
  const inner = value[kind];
  return isNode(inner) ? inner : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
