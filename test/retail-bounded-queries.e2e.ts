import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nx, setUpSlipwayWorkspace, type SlipwayWorkspace } from '../tools/local-packages.js';
import { freePort } from './support/ports.js';
import { startPostgres, type PostgresServer } from './support/postgres.js';
import { connectWithToken, HEAD_OFFICE_ROLE, percentile, retailAuthEnv, startIssuer, type Issuer } from './support/retail.js';
import { startServiceProcess, type ServiceProcess } from './support/service-process.js';

/**
 * execute_sales_query within its bounds, on a generated, built and running retail service: a query
 * the planner expects to be huge is refused before it runs, a huge result is stopped at the byte
 * cap, a long query on PostgreSQL at the statement timeout, each with a clear tool error, while a
 * parallel loop measures /healthz.
 */
const TIMEOUT_MS = 2_000;
const MAX_BYTES = 1024 * 1024;
const HEALTHZ_BUDGET_MS = 100;
/**
 * A held event loop shows as a /healthz call as long as the query (seconds). These machines are shared,
 * so one slow call is noise: the budget holds for the 95th percentile, and no call may come near the query's time.
 */
function expectHealthzAnswered(latencies: number[], label: string): void {
  expect(latencies.length, label).toBeGreaterThan(0);
  expect(percentile(latencies, 95), label).toBeLessThan(HEALTHZ_BUDGET_MS);
  expect(Math.max(...latencies), label).toBeLessThan(TIMEOUT_MS / 4);
}

const HUGE_SERIES = 'SELECT count(*) FROM generate_series(1, 100000000000)';
const REPEAT_100MB = "SELECT repeat('x', 50000000)";
const REPEAT_270M = "SELECT repeat('x', 270000000)";

const measurements: string[] = [];

/** Calls /healthz back to back until stopped; resolves with every latency. */
function watchHealthz(url: string): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return latencies;
    },
  };
}

async function callSql(client: Client, sql: string) {
  const started = performance.now();
  const result = await client.callTool({ name: 'execute_sales_query', arguments: { sql, limit: 500 } });
  return { result, ms: performance.now() - started, text: JSON.stringify(result.content) };
}

describe('execute_sales_query bounds, end to end', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-retail-bounds-e2e-'));
  const workspace = join(work, 'workspace');
  const service = join(workspace, 'services/sales');
  let slipway: SlipwayWorkspace | undefined;
  let issuer: Issuer;
  let postgres: PostgresServer | undefined;

  beforeAll(async () => {
    slipway = await setUpSlipwayWorkspace(work);
    // No deployment files: this file checks the running service only (retail-preset.e2e.ts covers the rest).
    nx(workspace, ['g', '@slipway/nx:new-mcp-service', 'sales', '--preset=retail', '--deploy=none', '--no-interactive']);
    nx(workspace, ['run', 'sales:build']);
    issuer = await startIssuer();
  });

  afterAll(async () => {
    issuer?.close();
    await postgres?.stop();
    await slipway?.registry.stop();
    if (!process.env['SLIPWAY_KEEP_E2E']) rmSync(work, { recursive: true, force: true });
    console.info(`Retail bounded-query measurements:\n  ${measurements.join('\n  ')}`);
  });

  // The server trusts loopback logins; the password is only there because a URL needs one.
  const loginUrl = (user: string) => Object.assign(new URL(postgres!.url), { username: user, password: 'e2e-not-checked' }).toString();

  async function startSales(env: Record<string, string>): Promise<ServiceProcess> {
    const port = await freePort();
    return startServiceProcess(
      service,
      { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RETAIL_STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS), ...retailAuthEnv(issuer, port), ...env },
      port,
    );
  }

  function boundsChecks(label: string, start: () => Promise<ServiceProcess>) {
    describe(label, () => {
      let proc: ServiceProcess;
      let client: Client;

      beforeAll(async () => {
        proc = await start();
        client = await connectWithToken(proc.url, await issuer.sign({ store_id: '1' }));
      });

      afterAll(async () => {
        await client?.close();
        if (proc) expect(await proc.stop('SIGTERM')).toBe(0);
      });

      it('refuses a query the planner expects to be huge before it runs, and /healthz keeps answering', async () => {
        const healthz = watchHealthz(proc.url);
        const { result, ms, text } = await callSql(client, HUGE_SERIES);
        const latencies = await healthz.stop();
        expect(result.isError).toBe(true);
        expect(text).toMatch(/too expensive to run: the planner estimates a cost of \d+, above the limit of \d+\. Narrow it/);
        expect(ms).toBeLessThan(TIMEOUT_MS);
        expectHealthzAnswered(latencies, HUGE_SERIES);
        measurements.push(
          `${label}: generate_series(1, 1e11) refused in ${Math.round(ms)} ms; /healthz max ${percentile(latencies, 100)} ms, p99 ${percentile(latencies, 99)} ms (${latencies.length} calls)`,
        );
      });

      it('stops a result over the byte cap with a clear error, for 100 MB and 270 MB values', async () => {
        for (const sql of [REPEAT_100MB, REPEAT_270M]) {
          const healthz = watchHealthz(proc.url);
          const { result, ms, text } = await callSql(client, sql);
          const latencies = await healthz.stop();
          expect(result.isError, sql).toBe(true);
          // PostgreSQL may spend the whole timeout building 270 MB: then the timeout is the error.
          expect(text, sql).toMatch(new RegExp(`The result is larger than ${MAX_BYTES} bytes; select fewer columns or rows|ran longer than ${TIMEOUT_MS} ms`));
          expect(ms, sql).toBeLessThan(TIMEOUT_MS * 5);
          expectHealthzAnswered(latencies, sql);
          measurements.push(
            `${label}: ${sql} answered (${/larger than/.test(text) ? 'size' : 'timeout'} error) in ${Math.round(ms)} ms; /healthz max ${percentile(latencies, 100)} ms, p99 ${percentile(latencies, 99)} ms (${latencies.length} calls)`,
          );
        }
        // The service is still whole: an analytics query over the seed data answers at once.
        const { result, text } = await callSql(
          client,
          'SELECT p.name, sum(i.line_total) AS revenue FROM order_items i JOIN products p USING (product_id) GROUP BY p.name ORDER BY revenue DESC LIMIT 10',
        );
        expect(result.isError, text).toBeFalsy();
        expect((result.structuredContent as { rows: unknown[] }).rows).toHaveLength(10);
      });

      it('keeps column names, ORDER BY and the caller\u2019s LIMIT through the wrapping', async () => {
        const { result, text } = await callSql(client, 'SELECT order_id AS id, status, 1 AS a, 2 AS a FROM orders ORDER BY order_id DESC LIMIT 3 -- newest');
        expect(result.isError, text).toBeFalsy();
        const rows = (result.structuredContent as { rows: Array<Record<string, unknown>> }).rows;
        expect(rows).toHaveLength(3);
        expect(Object.keys(rows[0]!)).toEqual(['id', 'status', 'a']);
        const ids = rows.map((r) => Number(r['id']));
        expect(ids).toEqual([...ids].sort((a, b) => b - a));
      });
    });
  }

  boundsChecks('on embedded PGlite', () => startSales({ PGLITE_DATA_DIR: join(work, 'pglite') }));

  boundsChecks('on PostgreSQL', async () => {
    postgres = await startPostgres();
    // As in production: the serving login, and the owner only to migrate (it creates the logins).
    return startSales({ DATABASE_URL: loginUrl('sales_app'), DATABASE_MIGRATION_URL: postgres.url });
  });

  /**
   * With the cost ceiling at its highest the query runs, and the timeout is what stops it: statement_timeout
   * on PostgreSQL; on PGlite, which ignores it, the runtime's worker timeout (the worker is restarted).
   */
  async function checkRunawayStopped(label: string, env: Record<string, string>, claims: Record<string, unknown>): Promise<void> {
    const proc = await startSales({ ...env, RETAIL_MAX_QUERY_COST: String(Number.MAX_SAFE_INTEGER) });
    const client = await connectWithToken(proc.url, await issuer.sign(claims));
    try {
      const healthz = watchHealthz(proc.url);
      const { result, ms, text } = await callSql(client, HUGE_SERIES);
      const latencies = await healthz.stop();
      expect(result.isError).toBe(true);
      expect(text).toMatch(new RegExp(`ran longer than ${TIMEOUT_MS} ms`));
      expect(ms).toBeLessThan(TIMEOUT_MS + 3_000);
      expectHealthzAnswered(latencies, HUGE_SERIES);
      // The database answers again, with the seed data intact.
      const after = await callSql(client, 'SELECT count(*) AS n FROM orders');
      expect(after.result.isError, after.text).toBeFalsy();
      expect(Number((after.result.structuredContent as { rows: Array<{ n: unknown }> }).rows[0]!.n)).toBeGreaterThan(0);
      measurements.push(
        `${label}, no cost ceiling: generate_series(1, 1e11) stopped in ${Math.round(ms)} ms; /healthz p95 ${percentile(latencies, 95)} ms, max ${percentile(latencies, 100)} ms`,
      );
    } finally {
      await client.close();
      expect(await proc.stop('SIGTERM')).toBe(0);
    }
  }

  it('stops a runaway query on PGlite at the timeout, restarting its worker, and /healthz keeps answering', () =>
    checkRunawayStopped('PGlite', { PGLITE_DATA_DIR: join(work, 'pglite') }, { store_id: '1' }));

  it('stops a query past the statement timeout on PostgreSQL with a clear error, and /healthz keeps answering', () =>
    checkRunawayStopped('PostgreSQL', { DATABASE_URL: loginUrl('sales_app') }, { roles: [HEAD_OFFICE_ROLE] }));
});
