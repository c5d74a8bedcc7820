import { ToolError } from '@slipway/mcp-runtime';
import type { Queryable } from '@slipway/mcp-runtime/database';

/** What one execute_sales_query call may cost, return and take. */
export interface QueryBounds {
  readonly offset: number;
  /** Rows to read: the page plus one, to tell whether there is more. */
  readonly rows: number;
  /** The most bytes the page's rows may take (in the database, and as JSON). */
  readonly maxBytes: number;
  /** The highest planner cost (EXPLAIN's total cost of the wrapped statement) that may run. */
  readonly maxCost: number;
  /** The server-side statement_timeout, named in the error when it fires. */
  readonly timeoutMs: number;
}

/** RETAIL_MAX_RESULT_BYTES: 1 MiB, ample for a page of 500 analytics rows. */
export const DEFAULT_MAX_RESULT_BYTES = 1024 * 1024;
/**
 * RETAIL_MAX_QUERY_COST when unset. PGlite ignores statement_timeout: the runtime stops a query past
 * its timeout by restarting PGlite's worker, which every caller waits out (0.6-1.6 s), so a low ceiling
 * refuses what would end that way before it starts: measured there, cost 5000 is 0.1-0.15 s (a
 * 400 000-row generate_series), and analytics over the sample data cost 100-650. PostgreSQL cancels
 * just the statement, so its ceiling only refuses the hopeless early.
 */
export const DEFAULT_MAX_QUERY_COST = { pglite: 5_000, postgres: 10_000_000 } as const;

/** SQLSTATE of retail.assert_result_size (migration 0005). */
export const RESULT_TOO_LARGE = 'SLW01';
const QUERY_CANCELED = '57014';

// The alias of the caller's row: a bare alias in a target list names the whole row unless the
// statement has a column of that name, so it is one a query is unlikely to use.
const ROW = 'slipway_bounded_row';

/**
 * The caller's statement paged and capped in one statement, run with the extended protocol (one
 * statement only): $1 offset, $2 rows, $3 byte cap. The statement runs as written (its ORDER BY,
 * LIMIT and column names survive: the row travels as one composite and is expanded last), and each
 * row of the page adds its size to a running total that retail.assert_result_size checks, so a huge
 * row stops the statement before the next one is built. pg_column_size is the row's in-memory size,
 * read without copying it (a text cast would copy a 100 MB value first); the tool checks the JSON
 * it returns as well. The newlines end a trailing `--` comment.
 */
export function boundedStatement(statement: string): string {
  return (
    `SELECT (p.${ROW}).* FROM (\n` +
    `  SELECT s.${ROW}, retail.assert_result_size(sum(pg_column_size(s.${ROW})) OVER (ROWS UNBOUNDED PRECEDING), $3) AS within_cap\n` +
    `    FROM (SELECT ${ROW} FROM (\n${statement}\n) ${ROW} OFFSET $1 LIMIT $2) s\n` +
    `) p`
  );
}

type Plan = { Plan?: { 'Total Cost'?: number } };

/** EXPLAIN's total cost of `sql`: json arrives parsed from pg and PGlite, as text from some drivers. */
export async function planCost(tx: Queryable, sql: string, params: unknown[]): Promise<number> {
  const { rows } = await tx.query<Record<string, unknown>>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const raw = rows[0] === undefined ? undefined : Object.values(rows[0])[0];
  const plans = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Plan[] | undefined;
  const cost = plans?.[0]?.Plan?.['Total Cost'];
  if (typeof cost !== 'number') throw new Error('EXPLAIN returned no total cost');
  return cost;
}

/**
 * Runs a guard-checked SELECT within `bounds`, in the caller's (read-only, store-scoped)
 * transaction: refused before it starts when the planner expects it to cost more than
 * `maxCost`, stopped by the database when its page grows past `maxBytes`, and past its timeout
 * by statement_timeout (PostgreSQL) or the runtime's worker timeout (PGlite).
 */
export async function runBoundedQuery(tx: Queryable, statement: string, bounds: QueryBounds): Promise<Record<string, unknown>[]> {
  const sql = boundedStatement(statement);
  const params = [bounds.offset, bounds.rows, bounds.maxBytes];
  const cost = await planCost(tx, sql, params);
  if (cost > bounds.maxCost) {
    throw new ToolError(
      `The query is too expensive to run: the planner estimates a cost of ${Math.round(cost)}, above the limit of ${bounds.maxCost}. ` +
        'Narrow it: filter with WHERE (a store, a date range), aggregate with GROUP BY, join on keys rather than cross joins, ' +
        'and avoid large generate_series ranges.',
    );
  }
  return (await tx.query<Record<string, unknown>>(sql, params)).rows;
}

export function resultTooLarge(maxBytes: number): ToolError {
  return new ToolError(`The result is larger than ${maxBytes} bytes; select fewer columns or rows (a smaller limit, or aggregate).`);
}

/** The caller-facing error for a database error caused by the bounds; undefined for any other. */
export function boundsError(error: unknown, bounds: Pick<QueryBounds, 'maxBytes' | 'timeoutMs'>): ToolError | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  if (code === RESULT_TOO_LARGE) return resultTooLarge(bounds.maxBytes);
  if (code === QUERY_CANCELED) {
    return new ToolError(`The query ran longer than ${bounds.timeoutMs} ms and was stopped; narrow it with WHERE, GROUP BY or a smaller range.`);
  }
  return undefined;
}

/** The JSON size of a page, checked again after conversion: column names repeat in every row. */
export function jsonBytes(rows: readonly Record<string, unknown>[]): number {
  return Buffer.byteLength(JSON.stringify(rows));
}
