import { describe, expect, it } from 'vitest';
import { checkReadOnlySelect } from '../src/retail/sql-guard.js';

const tables = new Set(['stores', 'orders', 'order_items', 'products', 'customers', 'inventory', 'categories', 'product_types']);

describe('checkReadOnlySelect', () => {
  it.each([
    'SELECT store_id, count(*) FROM orders GROUP BY store_id',
    'WITH monthly AS (SELECT date_trunc(\'month\', order_date) AS m, count(*) AS n FROM retail.orders GROUP BY 1) SELECT * FROM monthly ORDER BY m',
    'SELECT extract(year FROM order_date), substring(status FROM 1 FOR 3), trim(status) FROM orders UNION ALL SELECT 1, \'x\', \'y\'',
    "SELECT p.name FROM products p WHERE p.description ILIKE '%espresso%' ORDER BY p.name LIMIT 5;",
  ])('accepts %s', async (sql) => {
    await expect(checkReadOnlySelect(sql, tables)).resolves.toMatch(/^(SELECT|WITH)/i);
  });

  it.each([
    ["INSERT INTO orders VALUES (1, 1, 1, now(), 'completed')", /this is INSERT/],
    ["UPDATE orders SET status = 'cancelled'", /this is UPDATE/],
    ['DELETE FROM orders', /this is DELETE/],
    ['DROP TABLE orders', /this is DROP/],
    ['SELECT 1; DROP TABLE orders', /exactly one SELECT statement; this text holds 2/],
    ['SELECT 1; SELECT 2', /exactly one SELECT/],
    ['WITH gone AS (DELETE FROM orders RETURNING *) SELECT * FROM gone', /contains DELETE/],
    ['SELECT * INTO copied FROM orders', /SELECT \.\.\. INTO/],
    ['SELECT * FROM orders FOR UPDATE', /FOR UPDATE/],
    ["SELECT set_config('app.current_store_id', '2', true)", /set_config\(\) is not allowed/],
    ["SELECT set_config('role', 'postgres', true)", /set_config\(\) is not allowed/],
    ['SELECT pg_sleep(30)', /pg_sleep\(\) is not allowed/],
    ["SELECT nextval('x')", /nextval\(\) is not allowed/],
    ["SELECT lo_import('/etc/passwd')", /lo_import\(\) is not allowed/],
    ["SELECT * FROM dblink('host=x', 'select 1') AS t(a int)", /dblink\(\) is not allowed/],
    ['SELECT * FROM pg_catalog.pg_authid', /pg_catalog\.pg_authid is not available/],
    ['SELECT * FROM public.secrets', /public\.secrets is not available/],
    ['SELECT * FROM orders WHERE store_id = $1', /parameters/],
    ['EXPLAIN ANALYZE SELECT 1', /this is EXPLAIN/],
    ['SET ROLE postgres', /this is SET/],
    ['SELEC 1', /not valid SQL/],
    ['', /empty/],
  ])('refuses %s', async (sql, message) => {
    await expect(checkReadOnlySelect(sql, tables)).rejects.toThrow(message);
  });

  it('is not fooled by semicolons in comments and strings', async () => {
    await expect(checkReadOnlySelect("/* ; DROP TABLE orders; */ SELECT ';' AS x -- ; DELETE", tables)).resolves.toContain("SELECT ';'");
  });
});
