/**
 * What execute_sales_query may read: each retail table with its columns, in table order. Written
 * out rather than read from information_schema at first use, so the guard stays a pure function with
 * no database round trip and no "not loaded yet" state; test/sql-guard.schema.test.ts replays the
 * migrations and fails when this list and the schema part, so it cannot silently drift. (The
 * embeddings table is for semantic_search_products only.) Add a column here with its migration.
 */
const COLUMNS = {
  stores: ['store_id', 'name', 'city', 'region', 'is_online', 'opened_on'],
  categories: ['category_id', 'name'],
  product_types: ['product_type_id', 'category_id', 'name'],
  products: ['product_id', 'sku', 'name', 'description', 'category_id', 'product_type_id', 'unit_cost', 'unit_price', 'discontinued'],
  customers: ['customer_id', 'store_id', 'first_name', 'last_name', 'email', 'city', 'joined_on'],
  orders: ['order_id', 'store_id', 'customer_id', 'order_date', 'status'],
  order_items: ['order_item_id', 'order_id', 'store_id', 'product_id', 'quantity', 'unit_price', 'discount_percent', 'line_total'],
  inventory: ['store_id', 'product_id', 'stock_level', 'reorder_point'],
} as const satisfies Record<string, readonly string[]>;

/** Tables in the retail schema that execute_sales_query must not read. */
export const NOT_QUERYABLE: readonly string[] = ['product_description_embeddings'];

export const QUERYABLE_COLUMNS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries(COLUMNS).map(([table, columns]) => [table, new Set<string>(columns)]),
);
