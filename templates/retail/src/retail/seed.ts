import type { Database, Queryable } from '@slipway/mcp-runtime/database';
import { CATALOGUE, FIRST_NAMES, LAST_NAMES, STORES, VARIANTS } from './catalogue.js';
import { toVectorLiteral, type EmbeddingProvider } from './embeddings.js';

/** mulberry32: a small seeded PRNG, so every run generates the same data set. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const money = (value: number) => Math.round(value * 100) / 100;

export interface SeedData {
  stores: Array<{ store_id: number; name: string; city: string; region: string; is_online: boolean; opened_on: string }>;
  categories: Array<{ category_id: number; name: string }>;
  product_types: Array<{ product_type_id: number; category_id: number; name: string }>;
  products: Array<{
    product_id: number;
    sku: string;
    name: string;
    description: string;
    category_id: number;
    product_type_id: number;
    unit_cost: number;
    unit_price: number;
    discontinued: boolean;
  }>;
  customers: Array<{ customer_id: number; store_id: number; first_name: string; last_name: string; email: string; city: string; joined_on: string }>;
  orders: Array<{ order_id: number; store_id: number; customer_id: number; order_date: string; status: string }>;
  order_items: Array<{
    order_item_id: number;
    order_id: number;
    store_id: number;
    product_id: number;
    quantity: number;
    unit_price: number;
    discount_percent: number;
    line_total: number;
  }>;
  inventory: Array<{ store_id: number; product_id: number; stock_level: number; reorder_point: number }>;
}

export interface SeedSize {
  customers: number;
  orders: number;
}

export const DEFAULT_SEED_SIZE: SeedSize = { customers: 1_500, orders: 4_000 };

/**
 * A realistic small data set, the same for the same seed: 6 stores, 270 products in 6 categories,
 * customers registered at a home store, two years of orders with 1-4 lines each, and inventory.
 */
export function generateSeedData(seed = 42, size: SeedSize = DEFAULT_SEED_SIZE): SeedData {
  const random = prng(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  const stores = STORES.map((s, i) => ({ store_id: i + 1, name: s.name, city: s.city, region: s.region, is_online: s.isOnline, opened_on: s.openedOn }));
  const storeWeights = STORES.map((s) => s.weight);
  const totalWeight = storeWeights.reduce((a, b) => a + b, 0);
  const pickStore = () => {
    let r = random() * totalWeight;
    for (let i = 0; i < storeWeights.length; i++) if ((r -= storeWeights[i]!) < 0) return i + 1;
    return storeWeights.length;
  };

  const data: SeedData = { stores, categories: [], product_types: [], products: [], customers: [], orders: [], order_items: [], inventory: [] };
  for (const category of CATALOGUE) {
    const categoryId = data.categories.length + 1;
    data.categories.push({ category_id: categoryId, name: category.name });
    for (const type of category.types) {
      const typeId = data.product_types.length + 1;
      data.product_types.push({ product_type_id: typeId, category_id: categoryId, name: type.name });
      for (const base of type.products) {
        for (const [suffix, sentence, factor] of VARIANTS) {
          const productId = data.products.length + 1;
          const price = money(base.price * factor - 0.01);
          data.products.push({
            product_id: productId,
            sku: `SKU-${String(categoryId).padStart(2, '0')}${String(typeId).padStart(2, '0')}-${String(productId).padStart(4, '0')}`,
            name: `${base.name}${suffix}`,
            description: `${base.description} ${sentence}`,
            category_id: categoryId,
            product_type_id: typeId,
            unit_cost: money(price * (0.45 + random() * 0.2)),
            unit_price: price,
            discontinued: random() < 0.03,
          });
        }
      }
    }
  }

  for (let id = 1; id <= size.customers; id++) {
    const storeId = pickStore();
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    data.customers.push({
      customer_id: id,
      store_id: storeId,
      first_name: first,
      last_name: last,
      email: `${first}.${last}.${id}@example.com`.toLowerCase(),
      city: stores[storeId - 1]!.city,
      joined_on: new Date(Date.UTC(2020, 0, 1) + int(0, 1_800) * 86_400_000).toISOString().slice(0, 10),
    });
  }
  const customersByStore = new Map<number, number[]>();
  for (const c of data.customers) customersByStore.set(c.store_id, [...(customersByStore.get(c.store_id) ?? []), c.customer_id]);

  // Two years of orders, 2024-01-01 to 2025-12-31, busier in November and December.
  const start = Date.UTC(2024, 0, 1);
  const days = 731;
  for (let id = 1; id <= size.orders; id++) {
    let storeId = pickStore();
    while (!customersByStore.has(storeId)) storeId = pickStore();
    let day = int(0, days - 1);
    if (random() < 0.15) day = Math.min(days - 1, Math.floor(day / 365) * 365 + int(304, 364));
    const roll = random();
    data.orders.push({
      order_id: id,
      store_id: storeId,
      customer_id: pick(customersByStore.get(storeId)!),
      order_date: new Date(start + day * 86_400_000 + int(8 * 3600, 21 * 3600) * 1000).toISOString(),
      status: roll < 0.92 ? 'completed' : roll < 0.97 ? 'returned' : 'cancelled',
    });
    const lines = int(1, 4);
    for (let line = 0; line < lines; line++) {
      const product = pick(data.products);
      const quantity = random() < 0.8 ? 1 : int(2, 4);
      const discount = pick([0, 0, 0, 0, 5, 10, 15]);
      data.order_items.push({
        order_item_id: data.order_items.length + 1,
        order_id: id,
        store_id: storeId,
        product_id: product.product_id,
        quantity,
        unit_price: product.unit_price,
        discount_percent: discount,
        line_total: money(quantity * product.unit_price * (1 - discount / 100)),
      });
    }
  }

  for (const store of stores) {
    for (const product of data.products) {
      data.inventory.push({ store_id: store.store_id, product_id: product.product_id, stock_level: int(0, 120), reorder_point: int(5, 25) });
    }
  }
  return data;
}

const TABLE_ORDER = ['stores', 'categories', 'product_types', 'products', 'customers', 'orders', 'order_items', 'inventory'] as const;

/** The text each product's embedding is computed from. */
export function productEmbeddingText(product: { name: string; description: string }, typeName: string, categoryName: string): string {
  return `${product.name}. ${typeName}, ${categoryName}. ${product.description}`;
}

/** Whether the embeddings table exists (it does not where pgvector is missing). */
export async function hasEmbeddingsTable(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ present: boolean }>(
    "SELECT to_regclass('retail.product_description_embeddings') IS NOT NULL AS present",
  );
  return rows[0]?.present === true;
}

/**
 * Loads the data set in one transaction, one statement per table (json_populate_recordset), as the
 * owner with a head-office scope token (the owner may mint one) so that the forced RLS policies
 * admit every store's rows. Does nothing when stores already exist. Returns whether it loaded.
 */
export async function loadSeedData(db: Database, data: SeedData): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT set_config('app.scope', retail.mint_scope(NULL, true, pg_backend_pid()), true)");
    const { rows } = await tx.query<{ present: boolean }>('SELECT EXISTS (SELECT 1 FROM retail.stores) AS present');
    if (rows[0]?.present) return false;
    for (const table of TABLE_ORDER) {
      await tx.query(`INSERT INTO retail.${table} SELECT * FROM json_populate_recordset(NULL::retail.${table}, $1::json)`, [
        JSON.stringify(data[table]),
      ]);
    }
    return true;
  });
}

/**
 * Computes and stores embeddings for products that have none for this provider's model (after a
 * seed, a catalogue change or a switch of provider). No-op without the embeddings table.
 */
export async function syncProductEmbeddings(db: Database, provider: EmbeddingProvider): Promise<number> {
  return db.transaction(async (tx) => {
    if (!(await hasEmbeddingsTable(tx))) return 0;
    const { rows } = await tx.query<{ product_id: number; name: string; description: string; type_name: string; category_name: string }>(
      `SELECT p.product_id, p.name, p.description, t.name AS type_name, c.name AS category_name
         FROM retail.products p
         JOIN retail.product_types t USING (product_type_id)
         JOIN retail.categories c ON c.category_id = p.category_id
         LEFT JOIN retail.product_description_embeddings e ON e.product_id = p.product_id AND e.model = $1
        WHERE e.product_id IS NULL
        ORDER BY p.product_id`,
      [provider.model],
    );
    if (rows.length === 0) return 0;
    const vectors = await provider.embed(rows.map((r) => productEmbeddingText(r, r.type_name, r.category_name)));
    const payload = rows.map((r, i) => ({ product_id: r.product_id, model: provider.model, embedding: toVectorLiteral(vectors[i]!) }));
    await tx.query(
      `INSERT INTO retail.product_description_embeddings (product_id, model, embedding)
       SELECT product_id, model, embedding::vector FROM json_to_recordset($1::json) AS x(product_id integer, model text, embedding text)
       ON CONFLICT (product_id) DO UPDATE SET model = EXCLUDED.model, embedding = EXCLUDED.embedding, updated_at = now()`,
      [JSON.stringify(payload)],
    );
    return rows.length;
  });
}
