import type { AuthInfo } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { MCP_HEADERS, memoryLogger, rawRequest, testConfig } from '../__fixtures__/http-client.js';
import { InvalidTokenError } from '../auth/types.js';
import { ConfigError, baseConfigSchema, parseConfig } from '../config.js';
import { openDatabase } from '../database/open.js';
import { openServiceDatabase, runMigrationStep } from '../database/service.js';
import type { Database } from '../database/types.js';
import { startHttpService } from '../http/service.js';
import { defineTool } from '../tools.js';
import { createMemoryBucketStore, createPostgresBucketStore, RATE_BUCKETS_DDL, type PostgresBucketStore } from './buckets.js';
import { identityOf } from './identity.js';
import { RATE_LIMITED_CODE } from './limiter.js';
import { parseRateLimits } from './rules.js';

describe('RATE_LIMITS', () => {
  it('parses tool=burst/period entries with a * default', () => {
    const parsed = parseRateLimits('*=60/1m, notes.create=5/10s,ping=1/ms');
    expect(parsed).toEqual({
      ok: true,
      value: { '*': { burst: 60, periodMs: 60_000 }, 'notes.create': { burst: 5, periodMs: 10_000 }, ping: { burst: 1, periodMs: 1 } },
    });
  });

  it.each([
    ['notes=5', /bad entry "notes=5": write tool=burst\/period/],
    ['a=0/1s', /at least 1/],
    ['a=1/1s,a=2/1s', /names a twice/],
    ['no*tes=1/1s', /\* stands alone/],
    ['a=1/1d', /bad entry/],
  ])('refuses %s with a message naming RATE_LIMITS', (value, message) => {
    let error: unknown;
    try {
      parseConfig(baseConfigSchema, { RATE_LIMITS: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['RATE_LIMITS']);
    expect((error as Error).message).toMatch(message);
  });

  it('validates the tracing variables', () => {
    expect(() => parseConfig(baseConfigSchema, { OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must be an http:\/\/ or https:\/\/ URL/,
    );
    expect(() => parseConfig(baseConfigSchema, { OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(/OTEL_TRACES_SAMPLER_ARG must be a number between 0 and 1/);
    expect(parseConfig(baseConfigSchema, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_TRACES_SAMPLER_ARG: 0.25,
    });
  });
});

describe('identity', () => {
  const token = (extra: Record<string, unknown>, clientId = 'client-1'): AuthInfo => ({ token: 't', clientId, scopes: [], extra });

  it('charges the tenant claim, else the subject, else one anonymous bucket', () => {
    expect(identityOf(token({ sub: 'alice', tenant: 'acme' }), 'tenant').key).toBe('t:acme');
    expect(identityOf(token({ sub: 'alice', org: 'acme' }), 'org').key).toBe('t:acme');
    expect(identityOf(token({ sub: 'alice' }), 'tenant').key).toBe('s:alice');
    expect(identityOf(token({}), 'tenant').key).toBe('s:client-1');
    expect(identityOf(undefined, 'tenant').key).toBe('anonymous');
  });

  it("keeps a subject named like a tenant out of that tenant's bucket, and ignores non-string claims", () => {
    expect(identityOf(token({ sub: 'acme' }), 'tenant').key).not.toBe(identityOf(token({ tenant: 'acme' }), 'tenant').key);
    expect(identityOf(token({ sub: 'bob', tenant: ['acme'] }), 'tenant').key).toBe('s:bob');
  });
});

describe('memory buckets', () => {
  it('allows the burst, refuses with a retry hint, and refills over the period', async () => {
    let now = 0;
    const store = createMemoryBucketStore(() => now);
    const rule = { burst: 3, periodMs: 3_000 };
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await store.take('t:a', 'x', rule));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]!.retryAfterMs).toBe(1_000);
    expect((await store.take('t:b', 'x', rule)).allowed).toBe(true);
    expect((await store.take('t:a', 'y', rule)).allowed).toBe(true);
    now = 999;
    expect((await store.take('t:a', 'x', rule)).allowed).toBe(false);
    now = 2_000;
    expect((await store.take('t:a', 'x', rule)).allowed).toBe(true);
  });
});

const TOKENS: Record<string, AuthInfo> = {
  'token-acme': { token: 'token-acme', clientId: 'c1', scopes: [], extra: { sub: 'alice', tenant: 'acme' } },
  'token-evil': { token: 'token-evil', clientId: 'c2', scopes: [], extra: { sub: 'mallory', tenant: 'evil' } },
};

const echo = defineTool({
  name: 'echo',
  description: 'Echoes',
  inputSchema: z.object({ tenant: z.string().optional() }),
  handler: () => ({ content: [{ type: 'text' as const, text: 'ok' }] }),
});
const free = defineTool({ name: 'free', description: 'Not limited', inputSchema: z.object({}), handler: () => ({ ok: true }) });

const call = (name: string, args: Record<string, unknown> = {}, meta?: Record<string, unknown>) =>
  JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name, arguments: args, ...(meta && { _meta: meta }) } });

async function startLimited(database?: Database) {
  const { logger, lines } = memoryLogger();
  const service = await startHttpService({
    info: { name: 'limited', version: '1.0.0' },
    capabilities: { tools: [echo, free] },
    config: testConfig({ RATE_LIMITS: { echo: { burst: 2, periodMs: 60_000 } } }),
    logger,
    handleSignals: false,
    ...(database && { database }),
    auth: {
      issuer: 'https://issuer.example',
      audience: 'limited',
      jwksUrl: 'https://issuer.example/jwks',
      resource: 'http://127.0.0.1/mcp',
      verifier: {
        async verify(token) {
          const info = TOKENS[token];
          if (info === undefined) throw new InvalidTokenError('unknown token');
          return info;
        },
      },
    },
  });
  const send = (token: string, body: string, headers: Record<string, string> = {}) =>
    rawRequest(`${service.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, ...headers }, body });
  return { service, lines, send };
}

describe('rate limits over HTTP (one replica, memory buckets)', () => {
  let limited: Awaited<ReturnType<typeof startLimited>>;
  beforeAll(async () => {
    limited = await startLimited();
  });
  afterAll(() => limited.service.close());

  it("refuses a tenant's call beyond its burst with 429, Retry-After and a JSON-RPC error; other tenants and tools go on", async () => {
    const { send, lines } = limited;
    expect((await send('token-acme', call('echo'))).status).toBe(200);
    expect((await send('token-acme', call('echo'))).status).toBe(200);
    const refused = await send('token-acme', call('echo'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const body = JSON.parse(refused.body);
    expect(body).toMatchObject({ jsonrpc: '2.0', id: 3, error: { code: RATE_LIMITED_CODE, data: { reason: 'rate_limited', tool: 'echo' } } });
    expect(body.error.data.retryAfterMs).toBeGreaterThan(0);
    expect((await send('token-acme', call('free'))).status).toBe(200);
    const audit = lines.filter((l) => l['audit'] === 'tool_call' && l['tenant'] === 'acme').map((l) => [l['tool'], l['outcome'], l['subject']]);
    expect(audit).toEqual([
      ['echo', 'success', 'alice'],
      ['echo', 'success', 'alice'],
      ['echo', 'rate_limited', 'alice'],
      ['free', 'success', 'alice'],
    ]);
  });

  it('writes each audit line under the request id its access line has, in the same field (one name for one thing)', async () => {
    const { send, lines } = limited;
    expect((await send('token-evil', call('free'))).status).toBe(200);
    const access = new Set(lines.filter((l) => l['msg'] === 'request').map((l) => l['reqId']));
    const audit = lines.filter((l) => l['audit'] === 'tool_call');
    expect(audit.length).toBeGreaterThan(0);
    for (const line of audit) {
      expect(line).not.toHaveProperty('requestId');
      expect(access).toContain(line['reqId']);
    }
  });

  it("does not let another tenant spend or borrow a tenant's bucket through headers, arguments or _meta", async () => {
    const { send } = limited;
    const spoof = { 'x-tenant': 'acme', 'x-forwarded-user': 'alice', 'x-request-id': 'acme' };
    const claimsAcme = call('echo', { tenant: 'acme' }, { tenant: 'acme', sub: 'alice' });
    // acme is exhausted (previous test): evil claiming to be acme is still charged as evil, and admitted.
    expect((await send('token-evil', claimsAcme, spoof)).status).toBe(200);
    expect((await send('token-evil', claimsAcme, spoof)).status).toBe(200);
    expect((await send('token-evil', claimsAcme, spoof)).status).toBe(429);
    // Without a valid token there is no call at all.
    expect((await send('forged', claimsAcme, spoof)).status).toBe(401);
  });
});

const POSTGRES_URL = process.env['SLIPWAY_TEST_DATABASE_URL'];

describe.skipIf(POSTGRES_URL === undefined)('PostgreSQL buckets shared by replicas', () => {
  const name = `slipway_limits_${process.pid}_${Date.now()}`;
  let admin: Database;
  const replicas: Database[] = [];
  beforeAll(async () => {
    admin = await openDatabase({ url: POSTGRES_URL!, dataDir: '', poolSize: 1 });
    await admin.exec(`CREATE DATABASE ${name}`);
    const url = new URL(POSTGRES_URL!);
    url.pathname = `/${name}`;
    for (let i = 0; i < 3; i++) replicas.push(await openDatabase({ url: url.toString(), dataDir: '', poolSize: 5 }));
    await replicas[0]!.exec(RATE_BUCKETS_DDL);
  }, 60_000);
  afterAll(async () => {
    for (const db of replicas) await db.close();
    await admin.exec(`DROP DATABASE IF EXISTS ${name}`);
    await admin.close();
  });

  it('admits exactly the burst out of concurrent calls from three replicas', async () => {
    const rule = { burst: 10, periodMs: 3_600_000 };
    const stores = replicas.map((db) => createPostgresBucketStore(db));
    const results = await Promise.all(Array.from({ length: 45 }, (_, i) => stores[i % 3]!.take('t:direct', 'echo', rule)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    const refused = results.find((r) => !r.allowed)!;
    // Under one token per 360 s: the hint is close to that, never 0.
    expect(refused.retryAfterMs).toBeGreaterThan(350_000);
    expect((await stores[1]!.take('t:other', 'echo', rule)).allowed).toBe(true);
  });

  it('refills by the database clock', async () => {
    const rule = { burst: 1, periodMs: 200 };
    const store = createPostgresBucketStore(replicas[2]!);
    expect((await store.take('t:fast', 'echo', rule)).allowed).toBe(true);
    expect((await store.take('t:fast', 'echo', rule)).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await store.take('t:fast', 'echo', rule)).allowed).toBe(true);
  });

  describe('pruning buckets that are full again', () => {
    const rule = { burst: 3, periodMs: 3_600_000 };
    const limits = { echo: rule, '*': { burst: 5, periodMs: 60_000 } };
    const rowsOf = async (owner: string) =>
      (await replicas[0]!.query<{ tool: string }>('SELECT tool FROM slipway_rate_buckets WHERE owner = $1 ORDER BY tool', [owner])).rows.map((r) => r.tool);
    // Idle time by the database's clock, which is the one pruning reads.
    const idle = (owner: string, tool: string, interval: string) =>
      replicas[0]!.query(`UPDATE slipway_rate_buckets SET updated_at = now() - interval '${interval}' WHERE owner = $1 AND tool = $2`, [owner, tool]);
    const drain = async (store: PostgresBucketStore, owner: string) => {
      const results = [];
      for (let i = 0; i < rule.burst + 1; i++) results.push(await store.take(owner, 'echo', rule));
      return results;
    };

    it("deletes only buckets idle for their own rule's period (else *'s), and keeps tools without a rule", async () => {
      const store = createPostgresBucketStore(replicas[0]!, { limits, pruneEveryMs: Number.POSITIVE_INFINITY });
      for (const tool of ['echo', 'other', 'gone']) await store.take('t:prune', tool, rule);
      await idle('t:prune', 'echo', '59 minutes'); // echo refills in an hour: not full yet
      await idle('t:prune', 'other', '61 seconds'); // * refills in a minute: full
      expect(await store.prune()).toBeGreaterThanOrEqual(1);
      expect(await rowsOf('t:prune')).toEqual(['echo', 'gone']);
      // A replica configured without *: a tool it has no rule for is never judged full.
      const withoutStar = createPostgresBucketStore(replicas[1]!, { limits: { echo: rule }, pruneEveryMs: Number.POSITIVE_INFINITY });
      await idle('t:prune', 'gone', '10 days');
      await withoutStar.prune();
      expect(await rowsOf('t:prune')).toEqual(['echo', 'gone']);
      await idle('t:prune', 'echo', '61 minutes');
      await withoutStar.prune();
      expect(await rowsOf('t:prune')).toEqual(['gone']);
    });

    it('leaves a pruned bucket exactly as a full one: the burst and no more, the same retry hint', async () => {
      const store = createPostgresBucketStore(replicas[1]!, { limits, pruneEveryMs: Number.POSITIVE_INFINITY });
      for (const owner of ['t:kept', 't:pruned']) {
        expect((await drain(store, owner)).map((r) => r.allowed)).toEqual([true, true, true, false]);
        await idle(owner, 'echo', '61 minutes');
      }
      // Full again by refill, still in the table.
      const kept = await drain(store, 't:kept');
      expect(await store.prune()).toBeGreaterThanOrEqual(1);
      expect(await rowsOf('t:pruned')).toEqual([]);
      const pruned = await drain(store, 't:pruned');
      expect(pruned.map((r) => r.allowed)).toEqual(kept.map((r) => r.allowed));
      expect(pruned.map((r) => r.allowed)).toEqual([true, true, true, false]);
      expect(Math.abs(pruned[3]!.retryAfterMs - kept[3]!.retryAfterMs)).toBeLessThan(1_000);
    });

    it('after a prune, three replicas taking at once still admit exactly the burst', async () => {
      const stores = replicas.map((db) => createPostgresBucketStore(db, { limits, pruneEveryMs: Number.POSITIVE_INFINITY }));
      expect((await drain(stores[0]!, 't:race')).filter((r) => r.allowed)).toHaveLength(3);
      await idle('t:race', 'echo', '2 hours');
      // Pruning and taking race: whichever order the database picks, one bucket's burst is all there is.
      const [, ...results] = await Promise.all([stores[2]!.prune(), ...Array.from({ length: 30 }, (_, i) => stores[i % 3]!.take('t:race', 'echo', rule))]);
      expect(results.filter((r) => r.allowed)).toHaveLength(3);
    });

    it('prunes from a take at most once per interval, in the background, by this replica', async () => {
      const statements: string[] = [];
      const db = replicas[2]!;
      const recording = {
        query: ((sql: string, params?: unknown[]) => (statements.push(sql), db.query(sql, params))) as typeof db.query,
        exec: (sql: string) => db.exec(sql),
      };
      let now = 0;
      const store = createPostgresBucketStore(recording, { limits, pruneEveryMs: 60_000, now: () => now });
      const prunes = () => statements.filter((sql) => sql.includes('DELETE')).length;
      await store.take('t:throttle', 'other', rule);
      await idle('t:throttle', 'other', '2 minutes');
      await vi.waitFor(() => expect(prunes()).toBe(1));
      now = 59_999;
      await store.take('t:throttle', 'echo', rule);
      expect(prunes()).toBe(1);
      await idle('t:throttle', 'echo', '2 minutes');
      now = 60_000;
      await store.take('t:throttle', 'x', rule);
      await vi.waitFor(() => expect(prunes()).toBe(2));
      // The second prune saw 'other' idle past *'s minute; 'echo' (an hour) stays.
      await vi.waitFor(async () => expect(await rowsOf('t:throttle')).toEqual(['echo', 'x']));
      // Without rules nothing is judged full, and no DELETE is sent.
      const unruled = createPostgresBucketStore(recording, { now: () => now });
      await unruled.take('t:throttle', 'y', rule);
      expect(prunes()).toBe(2);
    });
  });

  it('holds the limit across two services sharing the database', async () => {
    const a = await startLimited(replicas[0]);
    const b = await startLimited(replicas[1]);
    try {
      const statuses = [];
      for (const service of [a, b, a, b]) statuses.push((await service.send('token-acme', call('echo'))).status);
      expect(statuses).toEqual([200, 200, 429, 429]);
    } finally {
      await a.service.close();
      await b.service.close();
    }
  });
});

describe.skipIf(POSTGRES_URL === undefined)('the bucket table from the migration step', () => {
  const name = `slipway_buckets_mig_${process.pid}_${Date.now()}`;
  const login = `buckets_app_${process.pid}`;
  let admin: Database;
  beforeAll(async () => {
    admin = await openDatabase({ url: POSTGRES_URL!, dataDir: '', poolSize: 1 });
    await admin.exec(`CREATE DATABASE ${name}`);
  });
  afterAll(async () => {
    await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.exec(`DROP ROLE IF EXISTS ${login}`);
    await admin.close();
  });

  it('is created by runMigrationStep and usable by the least-privilege serving login', async () => {
    const owner = new URL(POSTGRES_URL!);
    owner.pathname = `/${name}`;
    const serving = new URL(owner);
    serving.username = login;
    serving.password = 'app-password';
    const config = { DATABASE_URL: serving.toString(), DATABASE_MIGRATION_URL: owner.toString(), PGLITE_DATA_DIR: 'unused' };
    await runMigrationStep(config, { migrationsDir: new URL('../__fixtures__/migrations/basic/', import.meta.url) });
    const db = await openServiceDatabase(
      { DATABASE_URL: serving.toString(), PGLITE_DATA_DIR: 'unused' },
      {
        migrationsDir: new URL('../__fixtures__/migrations/basic/', import.meta.url),
      },
    );
    try {
      const store = createPostgresBucketStore(db);
      expect((await store.take('t:a', 'x', { burst: 1, periodMs: 60_000 })).allowed).toBe(true);
      expect((await store.take('t:a', 'x', { burst: 1, periodMs: 60_000 })).allowed).toBe(false);
    } finally {
      await db.close();
    }
  });
});
