import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startPostgres, type PostgresServer } from '../../../../test/support/postgres.js';
import { MCP_HEADERS, memoryLogger, rawRequest, testConfig } from '../__fixtures__/http-client.js';
import { startHttpService, type RunningService } from '../http/service.js';
import { DATABASE_UNAVAILABLE_MESSAGE } from '../server-factory.js';
import { defineTool } from '../tools.js';
import { DatabaseSetupError } from './errors.js';
import { openDatabase } from './open.js';
import { openServiceDatabase } from './service.js';
import type { Database } from './types.js';

const TIMEOUT_MS = 1_000;
const MIGRATIONS = new URL('../__fixtures__/migrations/basic/', import.meta.url);

/** The postmaster and every process it started: SIGSTOP on the postmaster alone leaves open sessions answering. */
function serverPids(db: Database): Promise<number[]> {
  return db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid').then(({ rows }) => {
    const backend = rows[0]!.pid;
    const postmaster = Number(
      execFileSync('ps', ['-o', 'ppid=', '-p', String(backend)])
        .toString()
        .trim(),
    );
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(postmaster)])
      .toString()
      .trim()
      .split(/\s+/)
      .map(Number);
    return [postmaster, ...children];
  });
}

const signal = (pids: number[], name: NodeJS.Signals) => {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // A child that exited meanwhile.
    }
  }
};

async function callTool(service: RunningService, name: string) {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } });
  const res = await rawRequest(`${service.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body });
  return { text: res.body, result: JSON.parse(res.body).result as { isError?: boolean; content: Array<{ text: string }> } };
}

describe.skipIf(process.env['SLIPWAY_NO_POSTGRES'])('PostgreSQL that stops answering (SIGSTOP)', () => {
  let server: PostgresServer;
  let db: Database;
  let service: RunningService;
  let pids: number[] = [];
  const { logger, lines } = memoryLogger();

  beforeAll(async () => {
    // A server of its own: the shared one must keep answering other specs.
    server = await startPostgres();
    db = await openDatabase({ url: server.url, dataDir: '', connectTimeoutMs: TIMEOUT_MS, queryTimeoutMs: TIMEOUT_MS, poolSize: 2 });
    pids = await serverPids(db);
    const now = defineTool({
      name: 'now',
      description: 'Reads the clock from the database',
      inputSchema: z.object({}),
      handler: async () => ({ now: String((await db.query<{ now: string }>('SELECT now()::text AS now')).rows[0]?.now) }),
    });
    service = await startHttpService({
      info: { name: 'pg-stop', version: '0.0.0' },
      capabilities: { tools: [now] },
      config: testConfig({ READINESS_TIMEOUT_MS: 3 * TIMEOUT_MS }),
      logger,
      handleSignals: false,
      readiness: { database: () => db.ping() },
    });
  });
  afterAll(async () => {
    signal(pids, 'SIGCONT');
    await service?.close();
    await db?.close();
    await server?.stop();
  });

  it('a tool call ends in a classified error within the query timeout, readiness turns 503, and both recover after SIGCONT', async () => {
    expect((await callTool(service, 'now')).result.isError).toBeFalsy();
    signal(pids, 'SIGSTOP');
    try {
      const started = performance.now();
      const { text, result } = await callTool(service, 'now');
      const elapsed = performance.now() - started;
      expect(result).toEqual({ content: [{ type: 'text', text: DATABASE_UNAVAILABLE_MESSAGE }], isError: true });
      expect(text).not.toContain('127.0.0.1');
      expect(text).not.toContain(`:${new URL(server.url).port}`);
      expect(text).not.toMatch(/timeout/i);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 500);
      const logged = lines.find((l) => l['msg'] === 'tool call failed: database unavailable');
      expect(JSON.stringify(logged)).toMatch(/timeout/i);

      const readiness = await rawRequest(`${service.url}/readyz`);
      expect(readiness.status).toBe(503);
      expect(JSON.parse(readiness.body)).toEqual({ status: 'unavailable', checks: { database: 'unavailable' } });

      // Start-up against the stopped server: one line naming DATABASE_URL and the timeout, within it.
      const openedAt = performance.now();
      const error = await openServiceDatabase(
        { DATABASE_URL: server.url, PGLITE_DATA_DIR: '', DATABASE_CONNECT_TIMEOUT_MS: TIMEOUT_MS },
        { migrationsDir: MIGRATIONS },
      ).catch((e: unknown) => e);
      expect(performance.now() - openedAt).toBeLessThan(TIMEOUT_MS + 1_000);
      expect(error).toBeInstanceOf(DatabaseSetupError);
      expect((error as Error).message).toMatch(/^DATABASE_URL: 127\.0\.0\.1:\d+ did not answer within 1000 ms \(DATABASE_CONNECT_TIMEOUT_MS\)/);
      expect((error as Error).message).not.toContain('\n');
    } finally {
      signal(pids, 'SIGCONT');
    }
    let recovered = false;
    for (let i = 0; i < 50 && !recovered; i++) {
      recovered = (await callTool(service, 'now')).result.isError !== true;
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(recovered).toBe(true);
    expect((await rawRequest(`${service.url}/readyz`)).status).toBe(200);
  });

  it('start-up against a closed port names DATABASE_URL in one line', async () => {
    const url = new URL(server.url);
    url.port = '1';
    const error = await openServiceDatabase({ DATABASE_URL: url.toString(), PGLITE_DATA_DIR: '' }, { migrationsDir: MIGRATIONS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseSetupError);
    expect((error as Error).message).toMatch(/^DATABASE_URL: cannot connect to 127\.0\.0\.1:1 \(ECONNREFUSED\): check the host/);
  });
});
