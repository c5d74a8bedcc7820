import { defineTool, ToolError, type ToolContext } from '@slipway/mcp-runtime';
import type { Database, Queryable } from '@slipway/mcp-runtime/database';
import { z } from 'zod';
import { toVectorLiteral, type EmbeddingProvider } from '../retail/embeddings.js';
import { describeScope, withStoreScope, type StoreScope } from '../retail/scope.js';
import { boundsError, DEFAULT_MAX_QUERY_COST, DEFAULT_MAX_RESULT_BYTES, jsonBytes, resultTooLarge, runBoundedQuery } from '../retail/bounded-query.js';
import { hasEmbeddingsTable } from '../retail/seed.js';
import { QUERYABLE_COLUMNS } from '../retail/queryable-tables.js';
import { checkReadOnlySelect, MAX_SQL_LENGTH, SqlRejectedError, type QueryableSchema } from '../retail/sql-guard.js';

export const RETAIL_TABLES = [
  'stores',
  'categories',
  'product_types',
  'products',
  'customers',
  'orders',
  'order_items',
  'inventory',
  'product_description_embeddings',
] as const;

// Ad-hoc SQL reads the sales tables and their columns; the embeddings are for semantic_search_products.
const QUERYABLE_TABLES: QueryableSchema = QUERYABLE_COLUMNS;

export interface SalesToolsOptions {
  /** The service's connection: its login is a member of retail_app. */
  readonly db: Database;
  /**
   * Where the caller's SQL runs on PostgreSQL: a pool logged in as the analyst login (a member of
   * retail_analyst only). Unset on PGlite, whose one session switches role instead.
   */
  readonly analystDb?: Database | undefined;
  readonly embeddings: EmbeddingProvider;
  /** The caller's store, from the verified token (HTTP) or the operator's configuration (stdio). */
  readonly scopeOf: (ctx: ToolContext) => StoreScope;
  readonly statementTimeoutMs: number;
  /** The most rows one execute_sales_query page may return. */
  readonly maxRows: number;
  /** The most bytes one execute_sales_query page may hold (RETAIL_MAX_RESULT_BYTES). */
  readonly maxResultBytes?: number | undefined;
  /** The highest planner cost an ad-hoc query may have (RETAIL_MAX_QUERY_COST). */
  readonly maxQueryCost?: number | undefined;
}

const scopeSchema = z.object({
  storeId: z.number().int().nullable().describe('The store the caller is limited to; null for head office'),
  headOffice: z.boolean(),
});

const pageSchema = {
  offset: z.number().int(),
  nextOffset: z.number().int().nullable().describe('Pass as `offset` for the next page; null on the last page'),
};

/** Database errors carry a SQLSTATE `code`; their message is about the caller's own query. */
function isDatabaseError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

/** JSON-safe values: int8 arrives as bigint from PGlite, timestamps as Date. */
function toJsonRow(row: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(row, (_key, value: unknown) =>
      typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value,
    ),
  ) as Record<string, unknown>;
}

export function salesTools(options: SalesToolsOptions) {
  const { db, embeddings } = options;
  const scoped = <T>(ctx: ToolContext, role: 'retail_app' | 'retail_analyst', fn: (tx: Queryable) => Promise<T>) => {
    const scope = options.scopeOf(ctx);
    return { scope, result: withStoreScope(db, scope, { role, statementTimeoutMs: options.statementTimeoutMs, analyst: options.analystDb }, fn) };
  };
  let vectorAvailable: Promise<boolean> | undefined;

  const getTableSchemas = defineTool({
    name: 'get_table_schemas',
    title: 'Retail table schemas',
    description:
      'Columns, types and descriptions of the retail tables (schema "retail"). Call this before writing SQL for execute_sales_query. ' +
      'Store-scoped tables only ever show the rows of the caller\u2019s store.',
    inputSchema: z.object({
      tables: z.array(z.enum(RETAIL_TABLES)).min(1).max(RETAIL_TABLES.length).optional().describe('Tables to describe; all by default'),
      offset: z.number().int().min(0).max(100).default(0),
      limit: z.number().int().min(1).max(RETAIL_TABLES.length).default(RETAIL_TABLES.length),
    }),
    outputSchema: z.object({
      tables: z.array(
        z.object({
          name: z.string(),
          description: z.string(),
          storeScoped: z.boolean().describe('Row-level security limits the rows to the caller\u2019s store'),
          columns: z.array(z.object({ name: z.string(), type: z.string(), nullable: z.boolean() })),
        }),
      ),
      total: z.number().int(),
      ...pageSchema,
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: async ({ tables, offset, limit }, ctx) => {
      const wanted = [...(tables ?? RETAIL_TABLES)].sort();
      const page = wanted.slice(offset, offset + limit);
      const { result } = scoped(ctx, 'retail_app', (tx) =>
        tx.query<{ table_name: string; column_name: string; type: string; nullable: boolean; description: string | null; rls: boolean }>(
          `SELECT c.table_name, c.column_name,
                  CASE WHEN c.data_type = 'USER-DEFINED' THEN c.udt_name ELSE c.data_type END AS type,
                  c.is_nullable = 'YES' AS nullable,
                  obj_description(k.oid, 'pg_class') AS description,
                  k.relrowsecurity AS rls
             FROM information_schema.columns c
             JOIN pg_catalog.pg_class k ON k.oid = to_regclass('retail.' || c.table_name)
            WHERE c.table_schema = 'retail' AND c.table_name = ANY($1::text[])
            ORDER BY c.table_name, c.ordinal_position`,
          [page],
        ),
      );
      const { rows } = await result;
      const byTable = new Map<string, { name: string; description: string; storeScoped: boolean; columns: Array<{ name: string; type: string; nullable: boolean }> }>();
      for (const row of rows) {
        const table = byTable.get(row.table_name) ?? { name: row.table_name, description: row.description ?? '', storeScoped: row.rls, columns: [] };
        table.columns.push({ name: row.column_name, type: row.type, nullable: row.nullable });
        byTable.set(row.table_name, table);
      }
      const next = offset + limit;
      return { tables: [...byTable.values()], total: wanted.length, offset, nextOffset: next < wanted.length ? next : null };
    },
  });

  const executeSalesQuery = defineTool({
    name: 'execute_sales_query',
    title: 'Run a read-only sales query',
    description:
      'Runs one read-only PostgreSQL SELECT over the retail tables (unqualified names resolve to schema "retail") and returns a page of rows. ' +
      'Anything else (INSERT, UPDATE, DELETE, DDL, several statements, SELECT INTO, FOR UPDATE, functions with side effects) is refused. ' +
      'Rows are limited to the caller\u2019s store unless the caller is head office. Page with offset/nextOffset.',
    inputSchema: z.object({
      sql: z.string().min(1).max(MAX_SQL_LENGTH).describe('One SELECT statement, e.g. SELECT store_id, count(*) FROM orders GROUP BY store_id'),
      limit: z.number().int().min(1).max(options.maxRows).default(Math.min(100, options.maxRows)),
      offset: z.number().int().min(0).max(1_000_000).default(0),
    }),
    outputSchema: z.object({
      columns: z.array(z.string()),
      rows: z.array(z.record(z.string(), z.unknown())),
      rowCount: z.number().int(),
      hasMore: z.boolean(),
      ...pageSchema,
      scope: scopeSchema,
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: async ({ sql, limit, offset }, ctx) => {
      let statement: string;
      try {
        statement = await checkReadOnlySelect(sql, QUERYABLE_TABLES);
      } catch (error) {
        if (error instanceof SqlRejectedError) throw new ToolError(error.message);
        throw error;
      }
      const bounds = {
        offset,
        rows: limit + 1, // one past the page, to tell whether there is more
        maxBytes: options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
        maxCost: options.maxQueryCost ?? DEFAULT_MAX_QUERY_COST[db.kind],
        timeoutMs: options.statementTimeoutMs,
      };
      // Extended protocol only, one statement each: EXPLAIN against the cost ceiling, then the page with its byte cap.
      const { scope, result } = scoped(ctx, 'retail_analyst', (tx) => runBoundedQuery(tx, statement, bounds));
      let fetched: Record<string, unknown>[];
      try {
        fetched = await result;
      } catch (error) {
        const bounded = boundsError(error, bounds);
        if (bounded !== undefined) throw bounded;
        if (isDatabaseError(error)) throw new ToolError(`The query failed: ${error.message}`);
        throw error;
      }
      const rows = fetched.slice(0, limit).map(toJsonRow);
      // The database capped the rows' size; their JSON repeats column names, so it is checked too.
      if (jsonBytes(rows) > bounds.maxBytes) throw resultTooLarge(bounds.maxBytes);
      const hasMore = fetched.length > limit;
      return {
        columns: rows[0] ? Object.keys(rows[0]) : [],
        rows,
        rowCount: rows.length,
        hasMore,
        offset,
        nextOffset: hasMore ? offset + limit : null,
        scope: describeScope(scope),
      };
    },
  });

  const semanticSearchProducts = defineTool({
    name: 'semantic_search_products',
    title: 'Find products by meaning',
    description:
      'Finds products whose descriptions are closest in meaning to the query (pgvector cosine similarity), best first, ' +
      'with the stock the caller can see. Only matches at or above minSimilarity are returned.',
    inputSchema: z.object({
      query: z.string().min(1).max(500).describe('What the customer is looking for, e.g. "espresso machine for a small kitchen"'),
      limit: z.number().int().min(1).max(50).default(10),
      offset: z.number().int().min(0).max(500).default(0),
      minSimilarity: z.number().min(0).max(1).default(0.3).describe('Cosine similarity threshold, 0 to 1'),
    }),
    outputSchema: z.object({
      products: z.array(
        z.object({
          productId: z.number().int(),
          sku: z.string(),
          name: z.string(),
          description: z.string(),
          category: z.string(),
          productType: z.string(),
          unitPrice: z.number(),
          stockLevel: z.number().int().describe('Units in stock in the caller\u2019s store (all stores for head office)'),
          similarity: z.number(),
        }),
      ),
      model: z.string(),
      ...pageSchema,
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: async ({ query, limit, offset, minSimilarity }, ctx) => {
      vectorAvailable ??= hasEmbeddingsTable(db);
      if (!(await vectorAvailable)) {
        throw new ToolError('Semantic search is unavailable: this database server has no pgvector extension. execute_sales_query still works.');
      }
      const [vector] = await embeddings.embed([query], ctx.signal);
      const { result } = scoped(ctx, 'retail_app', (tx) =>
        tx.query<{
          product_id: number;
          sku: string;
          name: string;
          description: string;
          category: string;
          product_type: string;
          unit_price: string | number;
          stock_level: string | number | bigint;
          similarity: number;
        }>(
          `SELECT p.product_id, p.sku, p.name, p.description, c.name AS category, t.name AS product_type, p.unit_price,
                  (SELECT coalesce(sum(i.stock_level), 0) FROM retail.inventory i WHERE i.product_id = p.product_id) AS stock_level,
                  1 - (e.embedding <=> $1::vector) AS similarity
             FROM retail.product_description_embeddings e
             JOIN retail.products p ON p.product_id = e.product_id
             JOIN retail.categories c ON c.category_id = p.category_id
             JOIN retail.product_types t ON t.product_type_id = p.product_type_id
            WHERE e.model = $2 AND 1 - (e.embedding <=> $1::vector) >= $3
            ORDER BY e.embedding <=> $1::vector, p.product_id
            LIMIT $4 OFFSET $5`,
          [toVectorLiteral(vector!), embeddings.model, minSimilarity, limit + 1, offset],
        ),
      );
      const { rows } = await result;
      const hasMore = rows.length > limit;
      return {
        products: rows.slice(0, limit).map((r) => ({
          productId: r.product_id,
          sku: r.sku,
          name: r.name,
          description: r.description,
          category: r.category,
          productType: r.product_type,
          unitPrice: Number(r.unit_price),
          stockLevel: Number(r.stock_level),
          similarity: Math.round(Number(r.similarity) * 10_000) / 10_000,
        })),
        model: embeddings.model,
        offset,
        nextOffset: hasMore ? offset + limit : null,
      };
    },
  });

  const getCurrentUtcDate = defineTool({
    name: 'get_current_utc_date',
    title: 'Current UTC date',
    description: 'The current date and time in UTC, for questions about relative periods ("last month", "this year").',
    inputSchema: z.object({}),
    outputSchema: z.object({
      utc: z.string().describe('ISO 8601 timestamp'),
      date: z.string().describe('YYYY-MM-DD'),
      weekday: z.string(),
    }),
    annotations: { readOnlyHint: true, openWorldHint: false },
    handler: () => {
      const now = new Date();
      return {
        utc: now.toISOString(),
        date: now.toISOString().slice(0, 10),
        weekday: now.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' }),
      };
    },
  });

  return [getTableSchemas, executeSalesQuery, semanticSearchProducts, getCurrentUtcDate];
}
