import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nx, setUpSlipwayWorkspace, type SlipwayWorkspace } from '../tools/local-packages.js';
import { freePort } from './support/ports.js';
import { startPostgres, type PostgresServer } from './support/postgres.js';
import { connectWithToken as connect, percentile, startIssuer, type Issuer } from './support/retail.js';
import { run } from './support/run.js';
import { startServiceProcess, type ServiceProcess } from './support/service-process.js';

/**
 * `nx g @slipway/nx:new-mcp-service sales --preset=retail`, installed, built and run, then checked
 * as the issue's Checks list says: a real MCP client over HTTP, a real JWKS on loopback, tokens for
 * two stores and head office. On two databases: embedded PGlite with pgvector; Debian's PostgreSQL
 * (no pgvector package), with the owner, serving and analyst logins split. The database-level
 * checks below the SQL guard are in retail-isolation.e2e.ts.
 */
const AUDIENCE = 'api://sales';
const HEAD_OFFICE_ROLE = 'retail.head_office';
const STORES_WITH_ORDERS = [1, 2, 3, 4, 5, 6];
const TOTAL_ORDERS = 4_000;

type QueryResult = { rows: Array<Record<string, unknown>>; scope: { storeId: number | null; headOffice: boolean } };

async function sql(client: Client, text: string): Promise<QueryResult> {
  const result = await client.callTool({ name: 'execute_sales_query', arguments: { sql: text, limit: 500 } });
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return result.structuredContent as QueryResult;
}

const measurements: string[] = [];

describe('nx g @slipway/nx:new-mcp-service sales --preset=retail, end to end', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-retail-e2e-'));
  const workspace = join(work, 'workspace');
  const service = join(workspace, 'services/sales');
  let slipway: SlipwayWorkspace | undefined;
  let issuer: Issuer;

  beforeAll(async () => {
    slipway = await setUpSlipwayWorkspace(work);
    nx(workspace, ['g', '@slipway/nx:new-mcp-service', 'sales', '--preset=retail', '--no-interactive']);
    issuer = await startIssuer();
  });

  afterAll(async () => {
    issuer?.close();
    await slipway?.registry.stop();
    if (!process.env['SLIPWAY_KEEP_E2E']) rmSync(work, { recursive: true, force: true });
    console.info(`Retail preset measurements:\n  ${measurements.join('\n  ')}`);
  });

  it('installs, builds, type-checks and passes its own tests through Nx', () => {
    nx(workspace, ['run-many', '-t', 'build', 'typecheck', '-p', 'sales']);
    for (const file of ['dist/main.js', 'dist/db/migrations/0004_retail_scope_tokens.sql', 'dist/retail/sql-guard.js', 'dist/retail/analyst.js']) {
      expect(existsSync(join(service, file)), file).toBe(true);
    }
    const output = stripVTControlCharacters(nx(workspace, ['run', 'sales:test']));
    expect(output).toMatch(/Tests\s+\d+ passed/);
  });

  it('refuses to serve HTTP without the token settings, in one line', async () => {
    const result = await run(process.execPath, ['dist/main.js'], { cwd: service, env: { ...process.env, PGLITE_DATA_DIR: 'memory://' }, allowFailure: true });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/AUTH_ISSUER.*verified access token/);
  });

  /** Starts the built service against the given database settings, with auth pointed at the loopback JWKS. */
  async function startSales(label: string, env: Record<string, string>): Promise<ServiceProcess> {
    const port = await freePort();
    const started = performance.now();
    const proc = await startServiceProcess(
      service,
      {
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        AUTH_ISSUER: issuer.url,
        AUTH_AUDIENCE: AUDIENCE,
        AUTH_JWKS_URL: `${issuer.url}/jwks`,
        AUTH_RESOURCE_URL: `http://127.0.0.1:${port}/mcp`,
        AUTH_REQUIRED_SCOPES: 'sales.read',
        ...env,
      },
      port,
    );
    const seeded = /"ms":(\d+)[^\n]*sample retail data loaded/.exec(proc.output());
    measurements.push(`${label}: start to healthy ${Math.round(performance.now() - started)} ms (migrations + seed); seed load ${seeded?.[1] ?? '?'} ms`);
    return proc;
  }

  /**
   * The Checks, against one running service. `vector` says whether the database has pgvector; where
   * it does not, semantic search must say it is unavailable and its expectations are skipped.
   */
  function retailChecks(label: string, start: () => Promise<ServiceProcess>, options: { vector: boolean; afterStop?: () => Promise<void> }) {
    describe(label, () => {
      let proc: ServiceProcess;
      let store1: Client;
      let store3: Client;
      let headOffice: Client;

      beforeAll(async () => {
        proc = await start();
        store1 = await connect(proc.url, await issuer.sign({ store_id: '1' }));
        store3 = await connect(proc.url, await issuer.sign({ store_id: 3 }));
        headOffice = await connect(proc.url, await issuer.sign({ roles: [HEAD_OFFICE_ROLE] }));
      });

      afterAll(async () => {
        await Promise.all([store1, store3, headOffice].map((c) => c?.close()));
        if (proc) expect(await proc.stop('SIGTERM')).toBe(0);
        await options.afterStop?.();
      });

      it('serves the RFC 9728 metadata, and answers 401 with WWW-Authenticate without a token', async () => {
        const metadata = await (await fetch(`${proc.url}/.well-known/oauth-protected-resource/mcp`)).json();
        expect(metadata).toMatchObject({ resource: `${proc.url}/mcp`, authorization_servers: [issuer.url] });
        const res = await fetch(`${proc.url}/mcp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-store-id': '1' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toContain(`resource_metadata="${proc.url}/.well-known/oauth-protected-resource/mcp"`);
      });

      it('refuses forged tokens: bad signature, wrong audience, expired', async () => {
        const forged = {
          'bad signature': await issuer.sign({ store_id: '1' }, { forged: true }),
          'wrong audience': await issuer.sign({ store_id: '1' }, { audience: 'api://another-service' }),
          expired: await issuer.sign({ store_id: '1' }, { expiresIn: Math.floor(Date.now() / 1000) - 120 }),
        };
        for (const [kind, token] of Object.entries(forged)) {
          const res = await fetch(`${proc.url}/mcp`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'execute_sales_query', arguments: { sql: 'SELECT 1' } } }),
          });
          expect(res.status, kind).toBe(401);
          expect(res.headers.get('www-authenticate'), kind).toContain('error="invalid_token"');
        }
      });

      it('shows each store only its own rows, and head office all of them', async () => {
        for (const [client, storeId] of [
          [store1, 1],
          [store3, 3],
        ] as const) {
          for (const table of ['orders', 'order_items', 'customers', 'inventory', 'stores']) {
            const { rows, scope } = await sql(client, `SELECT DISTINCT store_id FROM ${table} ORDER BY 1`);
            expect(rows, `${table} for store ${storeId}`).toEqual([{ store_id: storeId }]);
            expect(scope).toEqual({ storeId, headOffice: false });
          }
        }
        const all = await sql(headOffice, 'SELECT store_id, count(*) AS orders FROM orders GROUP BY store_id ORDER BY store_id');
        expect(all.rows.map((r) => r['store_id'])).toEqual(STORES_WITH_ORDERS);
        expect(all.rows.reduce((sum, r) => sum + Number(r['orders']), 0)).toBe(TOTAL_ORDERS);
        expect(all.scope).toEqual({ storeId: null, headOffice: true });
      });

      it('ignores a header that claims another store', async () => {
        const before = await sql(store1, 'SELECT count(*) AS n FROM orders');
        const spoofing = await connect(proc.url, await issuer.sign({ store_id: '1' }), {
          'x-store-id': '3',
          'x-rls-user-id': '3',
          'x-ms-client-principal-id': 'head-office',
          'x-head-office': 'true',
        });
        try {
          const { rows } = await sql(spoofing, 'SELECT DISTINCT store_id FROM orders');
          expect(rows).toEqual([{ store_id: 1 }]);
          expect(await sql(spoofing, 'SELECT count(*) AS n FROM orders')).toEqual(before);
        } finally {
          await spoofing.close();
        }
      });

      it('refuses write SQL, multi-statement tricks, SELECT INTO and side-effect functions, with a clear error', async () => {
        const refused: Array<[string, RegExp]> = [
          ["INSERT INTO orders VALUES (99999, 1, 1, now(), 'completed')", /only a read-only SELECT is allowed; this is INSERT/i],
          ["UPDATE orders SET status = 'cancelled'", /this is UPDATE/],
          ['DELETE FROM order_items', /this is DELETE/],
          ['DROP TABLE retail.orders', /this is DROP/],
          ['SELECT 1; DELETE FROM orders', /exactly one SELECT statement/],
          ['SELECT 1; COMMIT; DROP TABLE orders; --', /exactly one SELECT statement/],
          ['WITH gone AS (DELETE FROM orders RETURNING *) SELECT count(*) FROM gone', /contains DELETE/],
          ['SELECT * INTO TEMP stolen FROM customers', /SELECT \.\.\. INTO/],
          ['SELECT * FROM orders FOR UPDATE', /FOR UPDATE/],
          ["SELECT set_config('app.current_store_id', '3', true), count(*) FROM orders", /set_config\(\) is not allowed/],
          ["SELECT set_config('role', 'postgres', false)", /set_config\(\) is not allowed/],
          ['SELECT pg_sleep(5)', /pg_sleep\(\) is not allowed/],
          ["SELECT nextval('retail.orders_seq')", /nextval\(\) is not allowed/],
          ["SELECT lo_import('/etc/passwd')", /lo_import\(\) is not allowed/],
          ["SELECT pg_catalog.pg_read_file('/etc/passwd')", /pg_read_file\(\) is not allowed/],
          ['SELECT rolname FROM pg_roles', /pg_roles is not available/],
        ];
        for (const [text, message] of refused) {
          const result = await headOffice.callTool({ name: 'execute_sales_query', arguments: { sql: text } });
          expect(result.isError, text).toBe(true);
          expect(JSON.stringify(result.content), text).toMatch(message);
        }
        const { rows } = await sql(headOffice, 'SELECT count(*) AS n FROM orders');
        expect(Number(rows[0]?.['n'])).toBe(TOTAL_ORDERS);
      });

      it.skipIf(!options.vector)('semantic search returns the expected products on the seeded data', async () => {
        const search = async (client: Client, query: string) => {
          const result = await client.callTool({ name: 'semantic_search_products', arguments: { query, limit: 5 } });
          expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
          return (
            result.structuredContent as { products: Array<{ productId: number; name: string; productType: string; stockLevel: number; similarity: number }> }
          ).products;
        };
        const espresso = await search(store1, 'espresso machine');
        expect(espresso).toHaveLength(5);
        expect(espresso.every((p) => p.productType === 'Espresso Machines')).toBe(true);
        expect((await search(store1, 'sleeping bag for cold weather'))[0]?.name).toMatch(/^Down Mummy Bag/);
        expect((await search(store1, 'noise cancelling headphones'))[0]?.productType).toBe('Headphones');
        expect((await search(store1, 'running shoes for trails'))[0]?.name).toMatch(/^Trail Runner/);
        expect(await search(store1, 'quantum flux capacitor')).toEqual([]);
        // Stock is row-level secured too: head office sees the sum over every store.
        const [first] = espresso;
        const everywhere = (await search(headOffice, 'espresso machine')).find((p) => p.productId === first!.productId);
        const { rows } = await sql(
          headOffice,
          `SELECT sum(stock_level) AS n, sum(stock_level) FILTER (WHERE store_id = 1) AS own FROM inventory WHERE product_id = ${first!.productId}`,
        );
        expect(everywhere?.stockLevel).toBe(Number(rows[0]?.['n']));
        expect(first!.stockLevel).toBe(Number(rows[0]?.['own']));
      });

      it.skipIf(options.vector)('semantic search says it is unavailable without pgvector', async () => {
        const result = await store1.callTool({ name: 'semantic_search_products', arguments: { query: 'espresso machine' } });
        expect(result.isError).toBe(true);
        expect(JSON.stringify(result.content)).toMatch(/unavailable.*pgvector/);
      });

      it("never shows one store's rows to another under many parallel requests", async () => {
        const queries = [
          'SELECT DISTINCT store_id FROM orders',
          'SELECT DISTINCT store_id FROM customers',
          'SELECT DISTINCT o.store_id FROM orders o JOIN order_items i USING (order_id) JOIN customers c ON c.customer_id = o.customer_id',
        ];
        const latencies: number[] = [];
        const calls = Array.from({ length: 120 }, (_, i) => {
          const [client, storeId] = i % 2 === 0 ? ([store1, 1] as const) : ([store3, 3] as const);
          return (async () => {
            const started = performance.now();
            const { rows, scope } = await sql(client, queries[i % queries.length]!);
            latencies.push(performance.now() - started);
            return { storeId, rows, scope };
          })();
        });
        const started = performance.now();
        const results = await Promise.all(calls);
        const wall = performance.now() - started;
        for (const { storeId, rows, scope } of results) {
          expect(scope.storeId).toBe(storeId);
          expect(rows).toEqual([{ store_id: storeId }]);
        }
        const sequential: number[] = [];
        for (let i = 0; i < 30; i++) {
          const t = performance.now();
          await sql(
            store1,
            'SELECT p.name, sum(i.line_total) AS revenue FROM order_items i JOIN products p USING (product_id) GROUP BY p.name ORDER BY revenue DESC LIMIT 10',
          );
          sequential.push(performance.now() - t);
        }
        measurements.push(
          `${label}: execute_sales_query sequential p50 ${percentile(sequential, 50)} ms, p95 ${percentile(sequential, 95)} ms; ` +
            `120 parallel calls from 2 stores in ${Math.round(wall)} ms (per call p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms)`,
        );
      });
    });
  }

  retailChecks(
    'on embedded PGlite with pgvector',
    async () => {
      const proc = await startSales('PGlite', { PGLITE_DATA_DIR: join(work, 'pglite') });
      // One superuser session: the service says plainly that the database is no second boundary here.
      expect(proc.output()).toMatch(/database session \(PGlite\)[^\n]*DATABASE_URL \(PostgreSQL\)/);
      return proc;
    },
    { vector: true },
  );

  // (PGlite served on a socket is no longer a DATABASE_URL: every connection there is its bootstrap
  // superuser, which the least-privilege check refuses as a serving login.)

  // Debian's PostgreSQL has no pgvector package: the embeddings migration skips itself, so the
  // schema, RLS and SQL checks run and semantic search is checked to report itself unavailable.
  // The server's superuser stands in for the owner (DATABASE_MIGRATION_URL); the service serves as
  // sales_app, which the migration step creates, and runs callers' SQL as sales_analyst.
  let postgres: PostgresServer | undefined;
  const loginUrl = (user: string) => Object.assign(new URL(postgres!.url), { username: user, password: 'e2e-not-checked' }).toString();
  retailChecks(
    'on Debian PostgreSQL (no pgvector: semantic search expectations skipped, its unavailability checked)',
    async () => {
      postgres = await startPostgres();
      measurements.push(`PostgreSQL server: ${postgres.version}`);
      return startSales('PostgreSQL', { DATABASE_URL: loginUrl('sales_app'), DATABASE_MIGRATION_URL: postgres.url });
    },
    { vector: false },
  );

  describe('on Debian PostgreSQL, below the tools', () => {
    afterAll(() => postgres?.stop());

    it('confines the logins the service uses in the database itself: scope tokens, no mint for callers, no writes', async () => {
      const psql = (url: string, script: string) => run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-Atqc', script], { allowFailure: true });
      const last = (out: { stdout: string }) => out.stdout.trim().split('\n').at(-1);
      expect((await psql(postgres!.url, 'SELECT username FROM retail_private.analyst_login')).stdout.trim()).toBe('sales_analyst');
      const serving = loginUrl('sales_app');
      const analyst = loginUrl('sales_analyst');
      // The serving login scopes itself with a token it mints for its own backend.
      const scoped = await psql(
        serving,
        "BEGIN READ ONLY; SELECT set_config('app.scope', retail.mint_scope(2, false, pg_backend_pid()), true); SELECT count(DISTINCT store_id) || ':' || min(store_id) FROM retail.orders; COMMIT;",
      );
      expect(last(scoped)).toBe('1:2');
      const servingWrite = await psql(
        serving,
        "BEGIN; SELECT set_config('app.scope', retail.mint_scope(NULL, true, pg_backend_pid()), true); DELETE FROM retail.orders; COMMIT;",
      );
      expect(servingWrite.stderr).toMatch(/permission denied for table orders/);
      // The analyst login: the settings the policies once trusted show nothing; it may not mint, switch role or write.
      const oldSettings = await psql(
        analyst,
        "BEGIN READ ONLY; SELECT set_config('app.current_store_id', '2', true), set_config('app.is_head_office', 'on', true); SELECT count(*) FROM retail.orders; COMMIT;",
      );
      expect(last(oldSettings)).toBe('0');
      expect((await psql(analyst, 'SELECT retail.mint_scope(2, false, pg_backend_pid())')).stderr).toMatch(/permission denied for function mint_scope/);
      expect((await psql(analyst, 'RESET ROLE; SET ROLE sales_app')).stderr).toMatch(/permission denied to set role/);
      expect((await psql(analyst, 'DELETE FROM retail.orders')).stderr).toMatch(/permission denied for table orders/);
      const migrations = await psql(postgres!.url, "SELECT string_agg(name, ',' ORDER BY name) FROM slipway_migrations");
      expect(migrations.stdout.trim()).toBe(
        readdirSync(join(service, 'src/db/migrations'))
          .filter((f) => f.endsWith('.sql'))
          .sort()
          .join(','),
      );
      const vectorTable = await psql(postgres!.url, "SELECT to_regclass('retail.product_description_embeddings') IS NULL");
      expect(vectorTable.stdout.trim()).toBe('t');
    });

    it('stops a runaway query at the statement timeout', async () => {
      // Migrated already: the serving login alone (no DATABASE_MIGRATION_URL), as in production.
      const proc = await startSales('PostgreSQL, restarted on seeded data', {
        DATABASE_URL: loginUrl('sales_app'),
        RETAIL_STATEMENT_TIMEOUT_MS: '1000',
        RETAIL_MAX_QUERY_COST: String(Number.MAX_SAFE_INTEGER),
      });
      const client = await connect(proc.url, await issuer.sign({ roles: [HEAD_OFFICE_ROLE] }));
      try {
        const started = performance.now();
        const result = await client.callTool({ name: 'execute_sales_query', arguments: { sql: 'SELECT count(*) FROM generate_series(1, 1000000000)' } });
        expect(result.isError).toBe(true);
        expect(JSON.stringify(result.content)).toMatch(/ran longer than 1000 ms/);
        expect(performance.now() - started).toBeLessThan(10_000);
      } finally {
        await client.close();
        expect(await proc.stop('SIGTERM')).toBe(0);
      }
    });
  });

  it('changes nothing when the generator runs again on the unchanged service', () => {
    execFileSync('git', ['add', '-A'], { cwd: workspace });
    execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', 'commit', '-qm', 'generated'], { cwd: workspace });
    nx(workspace, ['g', '@slipway/nx:new-mcp-service', 'sales', '--preset=retail', '--no-interactive']);
    const status = execFileSync('git', ['status', '--porcelain', '--', 'services'], { cwd: workspace, encoding: 'utf8' });
    expect(status).toBe('');
  });
});
