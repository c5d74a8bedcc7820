import { describe, expect, it } from 'vitest';
import { QUERYABLE_COLUMNS } from '../src/retail/queryable-tables.js';
import { checkReadOnlySelect, SqlRejectedError } from '../src/retail/sql-guard.js';
import { expectExactlyChecked, expectNothingForbidden } from './sql-guard-support.js';

const tables = QUERYABLE_COLUMNS;

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

/** Each text must be refused, or accepted with returned text that is exactly the checked statement. */
async function refusedOrExact(sql: string): Promise<string | undefined> {
  let returned: string;
  try {
    returned = await checkReadOnlySelect(sql, tables);
  } catch (error) {
    expect(error).toBeInstanceOf(SqlRejectedError);
    return undefined;
  }
  await expectExactlyChecked(sql, returned);
  await expectNothingForbidden(returned);
  return returned;
}

// A literal that, read from the wrong offset, ends one statement and runs two more.
const PAYLOAD = "'; RESET ROLE; COPY (SELECT 1) TO PROGRAM 'id'; --";
const quoted = (text: string): string => `'${text.replaceAll("'", "''")}'`;

describe('hostile texts', () => {
  describe('run exactly what was checked', () => {
    // libpg-query counts bytes; each 2-, 3- or 4-byte character before the statement used to shift
    // the executed text further into the literal the guard had read as data.
    it.each([
      ['2-byte', 'é'],
      ['3-byte', '€'],
      ['4-byte', '😀'],
      ['mixed', 'é€😀ß中𝄞'],
    ])('a comment of %s characters and a semicolon before the statement', async (_, char) => {
      for (const count of [1, 7, 40]) {
        const statement = `SELECT ${quoted('x'.repeat(count) + PAYLOAD)} AS note FROM orders`;
        for (const sql of [`/* ${char.repeat(count)} */ ; ${statement}`, `-- ${char.repeat(count)}\n;${statement};`, `;/*${char.repeat(count)}*/;\n${statement}`]) {
          await expect(refusedOrExact(sql)).resolves.toBe(statement);
        }
      }
    });

    it.each([
      ['/* outer /* nested ; */ still a comment ; */ SELECT 1 AS a', 'SELECT 1 AS a'],
      ['/* é ; */ SELECT 1 /* é ; DROP TABLE orders; */', 'SELECT 1 /* é ; DROP TABLE orders; */'],
      ['SELECT $$; RESET ROLE; $$ AS x', 'SELECT $$; RESET ROLE; $$ AS x'],
      ['SELECT $é$ $$; RESET ROLE; $é$ AS x;', 'SELECT $é$ $$; RESET ROLE; $é$ AS x'],
      ["SELECT ';' AS a, 'x; DROP TABLE orders' AS b ;; ", "SELECT ';' AS a, 'x; DROP TABLE orders' AS b"],
      ["SELECT E'\\'; RESET ROLE; --' AS x", "SELECT E'\\'; RESET ROLE; --' AS x"],
      ["SELECT 1 AS a -- trailing; DROP TABLE orders", 'SELECT 1 AS a -- trailing; DROP TABLE orders'],
      ['\t\r\n SELECT 1 AS a \t\r\n', 'SELECT 1 AS a'],
      ['SELECT * FROM U&"\\006frders"', 'SELECT * FROM U&"\\006frders"'],
    ])('accepts %j as exactly %j', async (sql, statement) => {
      await expect(refusedOrExact(sql)).resolves.toBe(statement);
    });

    it.each([
      ["SELECT $a$ $$ ; $a$; RESET ROLE", /exactly one SELECT/],
      ["SELECT $q$x$q$; SELECT set_config('role', 'postgres', false)", /exactly one SELECT/],
      // With standard_conforming_strings (the parser's and PostgreSQL's default) a backslash does not escape.
      ["SELECT 'a\\'; RESET ROLE; --'", /exactly one SELECT/],
      ["SELECT 1; COPY (SELECT 1) TO PROGRAM 'id'", /exactly one SELECT/],
      ["COPY orders TO PROGRAM 'id'", /this is COPY/],
      ['SELECT 1 /* unterminated ; RESET ROLE', /not valid SQL/],
    ])('refuses %j', async (sql, message) => {
      await expect(checkReadOnlySelect(sql, tables)).rejects.toThrow(message);
    });
  });

  describe('control characters', () => {
    it.each([
      ['NUL, then a second statement', 'SELECT 1\u0000; RESET ROLE'],
      ['NUL in a literal', "SELECT '\u0000' AS x"],
      ['NUL in a comment', 'SELECT 1 -- \u0000\n; RESET ROLE'],
      ['vertical tab', 'SELECT\u000B1'],
      ['form feed', 'SELECT\u000C1'],
      ['escape', "SELECT '\u001B[2J' AS x"],
      ['delete', 'SELECT 1\u007F'],
      ['C1 control', "SELECT '\u0085' AS x"],
      ['lone surrogate', "SELECT '\uD800' AS x"],
    ])('refuses %s', async (_, sql) => {
      await expect(checkReadOnlySelect(sql, tables)).rejects.toThrow(/control or invalid character U\+/);
    });

    it.each([
      // The escape spells a NUL inside the parser; PostgreSQL refuses it in the literal, never as text to run.
      "SELECT E'\\x00' AS x",
      "SELECT E'\\u0000' AS x",
      "SELECT U&'\\0000' AS x",
      "SELECT E'\\x3b RESET ROLE' AS x",
    ])('an escape is data, refused or run exactly: %j', async (sql) => {
      const returned = await refusedOrExact(sql);
      if (returned !== undefined) expect(returned).toBe(sql);
    });
  });

  describe('CTEs never shadow a table outside the allow-list', () => {
    it.each([
      ['WITH pg_roles AS (SELECT * FROM pg_roles) SELECT rolname FROM pg_roles', /CTE name pg_roles looks like a system catalog/],
      ['WITH pg_settings AS (SELECT 1 AS x) SELECT * FROM pg_settings', /CTE name pg_settings/],
      ['WITH pg_stat_activity AS (SELECT 1 AS x) SELECT * FROM pg_stat_activity', /CTE name pg_stat_activity/],
      ['WITH pg_stat_user_tables AS (SELECT 1 AS x) SELECT * FROM pg_stat_user_tables', /CTE name pg_stat_user_tables/],
      ['WITH "PG_POLICIES" AS (SELECT 1 AS x) SELECT * FROM "PG_POLICIES"', /looks like a system catalog/],
      ['WITH U&"pg\\005froles" AS (SELECT 1 AS x) SELECT * FROM pg_roles', /CTE name pg_roles/],
      ['WITH tables AS (SELECT * FROM information_schema.tables) SELECT * FROM tables', /CTE name tables/],
      ['WITH columns AS (SELECT 1 AS x) SELECT * FROM columns', /CTE name columns/],
      // Without the defence-in-depth names: a CTE's own body sees the real relation, not the CTE.
      ['WITH roles AS (SELECT * FROM roles) SELECT * FROM roles', /table roles is not available/],
      ['WITH x AS (SELECT * FROM pg_roles) SELECT * FROM x', /table pg_roles is not available/],
      ['WITH x AS (SELECT * FROM information_schema.tables) SELECT * FROM x', /information_schema\.tables is not available/],
      // A CTE is not visible to earlier siblings, nor outside its WITH.
      ['WITH a AS (SELECT * FROM b), b AS (SELECT 1 AS x) SELECT * FROM a', /table b is not available/],
      ['SELECT * FROM (WITH t AS (SELECT 1 AS x) SELECT * FROM t) s, t', /table t is not available/],
      ['SELECT (WITH t AS (SELECT 1 AS x) SELECT x FROM t), (SELECT 1 FROM t)', /table t is not available/],
      // A CTE never stands in for a schema-qualified name.
      ['WITH tbl AS (SELECT 1 AS x) SELECT * FROM information_schema.tbl', /information_schema\.tbl is not available/],
      ['SELECT * FROM pg_roles', /table pg_roles is not available/],
      ['SELECT * FROM pg_settings', /table pg_settings is not available/],
      ['SELECT * FROM pg_policies', /table pg_policies is not available/],
      ['SELECT * FROM pg_stat_user_tables', /table pg_stat_user_tables is not available/],
      ['SELECT * FROM U&"pg\\005froles"', /table pg_roles is not available/],
      ['SELECT * FROM information_schema.tables', /information_schema\.tables is not available/],
      ['SELECT * FROM retail.product_description_embeddings', /product_description_embeddings is not available/],
      ['SELECT * FROM retail_private.scope_keys', /retail_private\.scope_keys is not available/],
      ['SELECT * FROM "Orders"', /table Orders is not available/],
      ['SELECT * FROM db.retail.orders', /not available/],
      ['WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r', /WITH RECURSIVE is not allowed/],
    ])('refuses %j', async (sql, message) => {
      await expect(checkReadOnlySelect(sql, tables)).rejects.toThrow(message);
    });

    it.each([
      'WITH a AS (WITH b AS (SELECT store_id FROM orders) SELECT b.store_id FROM b) SELECT a.store_id FROM a',
      'WITH a AS (SELECT 1 AS x) SELECT * FROM (WITH b AS (SELECT a.x FROM a) SELECT b.x FROM b) s',
      // A CTE may share a retail table's name: inside its body the name is still the table.
      'WITH orders AS (SELECT * FROM orders WHERE status = \'completed\') SELECT orders.order_id FROM orders',
    ])('accepts nested and shadowing CTEs over retail tables: %j', async (sql) => {
      await expect(refusedOrExact(sql)).resolves.toBe(sql);
    });
  });

  describe('attribute notation', () => {
    it.each([
      ['SELECT o.pg_typeof FROM orders o', /pg_typeof is not a known column of o .*pg_typeof\(o\)/],
      ['SELECT (o).pg_typeof FROM orders o', /field selection \(\.\.\.\)\.pg_typeof/],
      ['SELECT o.row_to_json FROM orders o', /row_to_json is not a known column of o/],
      ['SELECT orders.to_json FROM orders', /to_json is not a known column of orders/],
      ['SELECT retail.orders.pg_typeof FROM orders', /pg_typeof is not a known column of orders/],
      ['SELECT s.pg_typeof FROM (SELECT 1 AS x) s', /pg_typeof is not a known column of s/],
      ['WITH c AS (SELECT store_id FROM orders) SELECT c.row_to_json FROM c', /row_to_json is not a known column of c/],
      ['SELECT x.pg_typeof FROM orders o', /x is not a table, subquery or CTE/],
      ['SELECT o.store_id.pg_typeof FROM orders o', /o\.store_id is not a table/],
      ['SELECT (o.store_id).pg_typeof FROM orders o', /field selection/],
      ['SELECT a.b.c.d FROM orders', /cannot be checked/],
      // The innermost FROM item of that name wins, as in PostgreSQL.
      ['SELECT (SELECT o.pg_typeof FROM stores o) FROM orders o', /pg_typeof is not a known column of o/],
      ['SELECT o.status FROM (orders o JOIN stores s USING (store_id)) AS j', /o is not a table/],
      ['SELECT j.status FROM orders o JOIN stores s USING (store_id) AS j', /status is not a known column of j/],
      ['SELECT g.g FROM generate_series(1, 3) g', /g is not a known column of g/],
      ['SELECT u.unnest FROM unnest(ARRAY[1]) u', /unnest is not a known column of u/],
      ['SELECT s.x FROM orders o, LATERAL (SELECT o.pg_typeof AS x) s', /pg_typeof is not a known column of o/],
      // Not LATERAL: the subquery cannot see o.
      ['SELECT s.x FROM orders o, (SELECT o.pg_typeof AS x) s', /o is not a table/],
      ['SELECT c.x FROM orders o JOIN (SELECT 1 AS x) c ON c.x = o.order_id, stores st WHERE st.pg_typeof IS NULL', /pg_typeof is not a known column of st/],
      ['SELECT t.pg_typeof FROM (SELECT * FROM orders) t', /pg_typeof is not a known column of t/],
      // Column aliases rename the first columns: order_id is now a.
      ['SELECT t.order_id FROM (SELECT * FROM orders) t(a)', /order_id is not a known column of t/],
    ])('refuses %j', async (sql, message) => {
      await expect(checkReadOnlySelect(sql, tables)).rejects.toThrow(message);
    });
  });

  describe('functions hidden anywhere', () => {
    it.each([
      "SELECT * FROM orders WHERE status = (SELECT set_config('role', 'postgres', false))",
      "SELECT * FROM (SELECT set_config('app.current_store_id', '2', true)) s",
      "WITH x AS (SELECT pg_catalog.set_config('a', 'b', false)) SELECT * FROM x",
      "SELECT * FROM orders ORDER BY (SELECT set_config('a', 'b', false))",
      "SELECT count(*) FILTER (WHERE set_config('a', 'b', true) IS NOT NULL) FROM orders",
      "SELECT * FROM set_config('a', 'b', false)",
      "SELECT * FROM ROWS FROM (generate_series(1, 2), set_config('a', 'b', false)) AS r(a, b)",
      "SELECT * FROM orders o, LATERAL (SELECT pg_read_file('/etc/passwd')) f",
      "SELECT sum(o.order_id) OVER (PARTITION BY current_setting('role')) FROM orders o",
      'SELECT public.count(*) FROM orders',
      'SELECT U&"\\0073et_config"(\'role\', \'postgres\', false)',
      "SELECT * FROM orders GROUP BY ROLLUP (pg_sleep(1))",
      "SELECT * FROM orders o JOIN stores s ON pg_sleep(1) IS NOT NULL",
      "SELECT 1 FROM orders HAVING query_to_xml('select 1', true, true, '') IS NOT NULL",
      "SELECT * FROM orders LIMIT (SELECT pg_sleep(1)::int)",
      "VALUES (pg_sleep(1))",
    ])('refuses %j', async (sql) => {
      await expect(checkReadOnlySelect(sql, tables)).rejects.toThrow(/\(\) is not allowed/);
    });

    it.each([
      ['SELECT * FROM (SELECT * FROM orders FOR SHARE) s', /FOR UPDATE \/ FOR SHARE/],
      ['WITH x AS (SELECT 1 AS a) SELECT * INTO t FROM x', /SELECT \.\.\. INTO/],
      ['SELECT * INTO TEMP t FROM orders', /SELECT \.\.\. INTO/],
      ['SELECT * FROM orders TABLESAMPLE system (10)', /TABLESAMPLE is not supported/],
      ["SELECT * FROM XMLTABLE('/a' PASSING '<a/>' COLUMNS x int) t", /XMLTABLE is not supported/],
      ["SELECT * FROM JSON_TABLE('[1]'::jsonb, '$[*]' COLUMNS (a int PATH '$')) j", /JSON_TABLE is not supported/],
    ])('refuses %j', async (sql, message) => {
      await expect(checkReadOnlySelect(sql, tables)).rejects.toThrow(message);
    });
  });

  describe('legitimate queries keep working', () => {
    it.each([
      'SELECT o.store_id, count(*) AS n FROM orders o WHERE o.status = \'completed\' GROUP BY o.store_id HAVING count(*) > 1 ORDER BY n DESC',
      'SELECT o.store_id, o.order_date, rank() OVER (PARTITION BY o.store_id ORDER BY o.order_date DESC) AS r, sum(oi.line_total) OVER w FROM orders o JOIN order_items oi ON oi.order_id = o.order_id WINDOW w AS (PARTITION BY oi.store_id)',
      'SELECT s.total, s.store_id FROM (SELECT store_id, sum(line_total) AS total FROM order_items GROUP BY store_id) s ORDER BY s.total DESC',
      'WITH a AS (SELECT store_id, count(*) AS n FROM orders GROUP BY 1), b AS (SELECT a.store_id, a.n * 2 AS n2 FROM a) SELECT b.n2, st.name FROM b JOIN stores st ON st.store_id = b.store_id',
      'SELECT o.store_id, c.first_name FROM orders o JOIN customers c USING (customer_id) WHERE o.order_id IN (SELECT oi.order_id FROM order_items oi WHERE oi.store_id = o.store_id)',
      'SELECT j.customer_id, o.status FROM orders o JOIN customers c USING (customer_id) AS j',
      'SELECT j.status, j.city FROM (orders o JOIN stores s USING (store_id)) AS j',
      'SELECT retail.orders.status, orders.order_id FROM orders',
      'SELECT t.order_id, t.a FROM (SELECT o.*, 1 AS a FROM orders o) t',
      'SELECT t.a, t.customer_id FROM (SELECT * FROM orders) t(a, b)',
      'SELECT g.n, d.m FROM generate_series(1, 3) AS g(n), LATERAL (SELECT g.n * 2 AS m) d',
      'SELECT v.a, v.column2 FROM (VALUES (1, 2)) v(a)',
      'SELECT u.x FROM (SELECT store_id AS x FROM orders UNION SELECT store_id FROM stores) u',
      'SELECT p.name, coalesce(i.stock_level, 0) AS stock FROM products p LEFT JOIN inventory i ON i.product_id = p.product_id AND i.store_id = 1',
      'SELECT x.coalesce, x.count FROM (SELECT coalesce(NULL, 1), count(*) FROM orders) x',
      'SELECT row_to_json(o) AS r FROM orders o',
      'SELECT o FROM orders o',
      'SELECT * FROM orders NATURAL JOIN customers',
      "SELECT to_char(o.order_date, 'YYYY-MM') AS month, sum(oi.line_total)::numeric(12, 2) FROM orders o JOIN order_items oi USING (order_id, store_id) GROUP BY 1",
    ])('accepts %j', async (sql) => {
      await expect(refusedOrExact(sql)).resolves.toBe(sql);
    });
  });
});
