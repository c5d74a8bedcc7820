-- Row-level security: each request runs in a transaction that sets app.current_store_id (from the
-- verified token, never from a client header) or app.is_head_office, then SET LOCAL ROLE to one of
-- the roles below. Neither role owns the tables nor bypasses RLS; FORCE applies the policies to the
-- owner as well. Unset settings match no rows.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'retail_app') THEN
    CREATE ROLE retail_app NOLOGIN NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'retail_analyst') THEN
    CREATE ROLE retail_analyst NOLOGIN NOBYPASSRLS;
  END IF;
END
$$;

-- The service's login role switches to these per transaction.
GRANT retail_app, retail_analyst TO CURRENT_USER;

-- retail_app: the tools' own queries. retail_analyst: ad-hoc SQL from execute_sales_query.
-- Both read only; neither may create anything.
REVOKE ALL ON SCHEMA retail FROM PUBLIC;
GRANT USAGE ON SCHEMA retail TO retail_app, retail_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA retail TO retail_app, retail_analyst;

ALTER TABLE retail.stores ENABLE ROW LEVEL SECURITY;
ALTER TABLE retail.stores FORCE ROW LEVEL SECURITY;
CREATE POLICY store_scope ON retail.stores
  USING (current_setting('app.is_head_office', true) = 'on'
         OR store_id = nullif(current_setting('app.current_store_id', true), '')::integer)
  WITH CHECK (current_setting('app.is_head_office', true) = 'on'
         OR store_id = nullif(current_setting('app.current_store_id', true), '')::integer);

ALTER TABLE retail.customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE retail.customers FORCE ROW LEVEL SECURITY;
CREATE POLICY store_scope ON retail.customers
  USING (current_setting('app.is_head_office', true) = 'on'
         OR store_id = nullif(current_setting('app.current_store_id', true), '')::integer)
  WITH CHECK (current_setting('app.is_head_office', true) = 'on'
         OR store_id = nullif(current_setting('app.current_store_id', true), '')::integer);

ALTER TABLE retail.orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE retail.orders FORCE ROW LEVEL SECURITY;
CREATE POLICY store_scope ON retail.orders
  USING (current_setting('app.is_head_office', true) = 'on'
         OR store_id = nullif(current_setting('app.current_store_id', true), '')::integer)
  WITH CHECK (current_setting('app.is_head_office', true) = 'on'
         OR store_id = nullif(current_setting('app.current_store_id', true), '')::integer);

ALTER TABLE retail.order_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE retail.order_items FORCE ROW LEVEL SECURITY;
CREATE POLICY store_scope ON retail.order_items
  USING (current_setting('app.is_head_office', true) = 'on'
         OR store_id = nullif(current_setting('app.current_store_id', true), '')::integer)
  WITH CHECK (current_setting('app.is_head_office', true) = 'on'
         OR store_id = nullif(current_setting('app.current_store_id', true), '')::integer);

ALTER TABLE retail.inventory ENABLE ROW LEVEL SECURITY;
ALTER TABLE retail.inventory FORCE ROW LEVEL SECURITY;
CREATE POLICY store_scope ON retail.inventory
  USING (current_setting('app.is_head_office', true) = 'on'
         OR store_id = nullif(current_setting('app.current_store_id', true), '')::integer)
  WITH CHECK (current_setting('app.is_head_office', true) = 'on'
         OR store_id = nullif(current_setting('app.current_store_id', true), '')::integer);
