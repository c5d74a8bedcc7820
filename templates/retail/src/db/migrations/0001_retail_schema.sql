-- The retail sales schema. Applied once at start-up and recorded in slipway_migrations; add new
-- files, never edit applied ones. Ids are assigned by the loader (src/retail/seed.ts) or your ETL.
CREATE SCHEMA IF NOT EXISTS retail;

CREATE TABLE retail.stores (
  store_id integer PRIMARY KEY,
  name text NOT NULL UNIQUE,
  city text NOT NULL,
  region text NOT NULL,
  is_online boolean NOT NULL DEFAULT false,
  opened_on date NOT NULL
);

CREATE TABLE retail.categories (
  category_id integer PRIMARY KEY,
  name text NOT NULL UNIQUE
);

CREATE TABLE retail.product_types (
  product_type_id integer PRIMARY KEY,
  category_id integer NOT NULL REFERENCES retail.categories,
  name text NOT NULL UNIQUE
);

CREATE TABLE retail.products (
  product_id integer PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL,
  category_id integer NOT NULL REFERENCES retail.categories,
  product_type_id integer NOT NULL REFERENCES retail.product_types,
  unit_cost numeric(10, 2) NOT NULL CHECK (unit_cost >= 0),
  unit_price numeric(10, 2) NOT NULL CHECK (unit_price >= 0),
  discontinued boolean NOT NULL DEFAULT false
);

CREATE TABLE retail.customers (
  customer_id integer PRIMARY KEY,
  store_id integer NOT NULL REFERENCES retail.stores,
  first_name text NOT NULL,
  last_name text NOT NULL,
  email text NOT NULL UNIQUE,
  city text NOT NULL,
  joined_on date NOT NULL
);

CREATE TABLE retail.orders (
  order_id integer PRIMARY KEY,
  store_id integer NOT NULL REFERENCES retail.stores,
  customer_id integer NOT NULL REFERENCES retail.customers,
  order_date timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('completed', 'returned', 'cancelled')),
  UNIQUE (order_id, store_id)
);

-- store_id is repeated from the order so that row-level security needs no join (and the
-- composite key keeps it equal to the order's).
CREATE TABLE retail.order_items (
  order_item_id integer PRIMARY KEY,
  order_id integer NOT NULL,
  store_id integer NOT NULL,
  product_id integer NOT NULL REFERENCES retail.products,
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price numeric(10, 2) NOT NULL,
  discount_percent numeric(5, 2) NOT NULL DEFAULT 0,
  line_total numeric(12, 2) NOT NULL,
  FOREIGN KEY (order_id, store_id) REFERENCES retail.orders (order_id, store_id)
);

CREATE TABLE retail.inventory (
  store_id integer NOT NULL REFERENCES retail.stores,
  product_id integer NOT NULL REFERENCES retail.products,
  stock_level integer NOT NULL CHECK (stock_level >= 0),
  reorder_point integer NOT NULL CHECK (reorder_point >= 0),
  PRIMARY KEY (store_id, product_id)
);

CREATE INDEX orders_store_date_idx ON retail.orders (store_id, order_date);
CREATE INDEX orders_customer_idx ON retail.orders (customer_id);
CREATE INDEX order_items_order_idx ON retail.order_items (order_id);
CREATE INDEX order_items_store_product_idx ON retail.order_items (store_id, product_id);
CREATE INDEX customers_store_idx ON retail.customers (store_id);
CREATE INDEX products_category_idx ON retail.products (category_id);

COMMENT ON TABLE retail.stores IS 'Physical and online stores. Store-scoped: a store sees its own row.';
COMMENT ON TABLE retail.categories IS 'Product categories (shared by all stores).';
COMMENT ON TABLE retail.product_types IS 'Product types within a category (shared by all stores).';
COMMENT ON TABLE retail.products IS 'The product catalogue with cost and list price (shared by all stores).';
COMMENT ON TABLE retail.customers IS 'Customers, each registered at one home store. Store-scoped.';
COMMENT ON TABLE retail.orders IS 'Orders; status is completed, returned or cancelled. Store-scoped.';
COMMENT ON TABLE retail.order_items IS 'Order lines; line_total = quantity * unit_price * (1 - discount_percent / 100). Store-scoped.';
COMMENT ON TABLE retail.inventory IS 'Stock level and reorder point per store and product. Store-scoped.';
