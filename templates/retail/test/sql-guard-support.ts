import { parse } from 'libpg-query';
import { expect } from 'vitest';
import { checkReadOnlySelect } from '../src/retail/sql-guard.js';
import { QUERYABLE_COLUMNS } from '../src/retail/queryable-tables.js';
import { isNode, names, walk } from '../src/retail/sql-guard-tree.js';

/** The statements of a text, as libpg-query parses them, with source offsets left out. */
export async function parsedStatements(sql: string): Promise<unknown[]> {
  const tree = (await parse(sql)) as { stmts?: Array<{ stmt?: unknown }> };
  return (tree.stmts ?? []).map((statement) => withoutLocations(statement.stmt));
}

function withoutLocations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLocations);
  if (!isNode(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'location').map(([key, child]) => [key, withoutLocations(child)]));
}

/**
 * The guard's contract for an accepted text: what it returns is one SELECT, the very statement it
 * checked in the input (same parse tree), and a text it accepts again unchanged.
 */
export async function expectExactlyChecked(input: string, returned: string): Promise<void> {
  const [checked] = await parsedStatements(input);
  const executed = await parsedStatements(returned);
  expect(executed).toHaveLength(1);
  expect(executed[0]).toEqual(checked);
  expect(Object.keys(executed[0] as object)).toEqual(['SelectStmt']);
  await expect(checkReadOnlySelect(returned, QUERYABLE_COLUMNS)).resolves.toBe(returned);
}

const FORBIDDEN_FUNCTIONS = new Set(['set_config', 'pg_read_file', 'pg_sleep', 'lo_import', 'pg_typeof', 'current_setting', 'dblink', 'query_to_xml']);

/** What the returned text reads and calls, re-parsed independently of the guard: nothing outside the retail tables. */
export async function expectNothingForbidden(returned: string): Promise<void> {
  for (const [key, value] of walk(await parse(returned))) {
    if (key.endsWith('Stmt')) expect(key).toBe('SelectStmt');
    if (key === 'FuncCall' && isNode(value)) expect(FORBIDDEN_FUNCTIONS.has(names(value['funcname']).at(-1) ?? '')).toBe(false);
    if (key === 'RangeVar' && isNode(value)) {
      expect(String(value['relname'])).not.toMatch(/^pg_/i);
      expect(value['schemaname'] ?? 'retail').toBe('retail');
    }
  }
}
