import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from './support/ports.js';
import { loginUrl, startPostgres, type PostgresServer } from './support/postgres.js';

/**
 * Three replicas of a service on one PostgreSQL, behind Debian's nginx as a round-robin load balancer:
 * what crosses replicas (rate limits, change events, traces) holds, and a replica killed under load
 * costs no request the balancer can retry.
 */
const CHILD = fileURLToPath(new URL('../packages/mcp-runtime/src/__fixtures__/replica-child.ts', import.meta.url));
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const PARENT_SPAN = 'eee19b7ec3c1b174';

interface Replica {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
}

const children = new Set<ChildProcess>();

async function startReplica(env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitFor(
    `replica on ${port}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`replica exited ${child.exitCode}:\n${output}`);
      return output.includes('READY ') ? true : undefined;
    },
    60_000,
  );
  return { port, url: `http://127.0.0.1:${port}`, child, output: () => output };
}

function startNginx(dir: string, listen: number, upstreams: readonly number[]): ChildProcess {
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub), { recursive: true });
  const conf = `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format lb '$upstream_addr $status "$http_traceparent"';
  access_log ${dir}/access.log lb;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream replicas {
${upstreams.map((port) => `    server 127.0.0.1:${port};`).join('\n')}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${listen};
    location / {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host 127.0.0.1;
      proxy_buffering off;
      # A replica that refuses or drops the connection: try the next one, POST included (the calls
      # below are reads; a service with non-idempotent tools decides this for itself).
      proxy_next_upstream error timeout http_502 non_idempotent;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 1s;
    }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  return child;
}

const call = (name: string, id = 1) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: 'Bearer token-acme' };

async function post(url: string, name: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(`${url}/mcp`, { method: 'POST', headers: { ...HEADERS, ...headers }, body: call(name) });
  return { status: res.status, body: await res.text() };
}

const pidOf = (body: string) => (JSON.parse(body).result.structuredContent as { pid: number }).pid;

/** `concurrency` clients calling `tool` until `until` resolves; counts answers by outcome. */
async function load(url: string, tool: string, concurrency: number, until: Promise<void>) {
  let done = false;
  void until.then(() => (done = true));
  const counts = { ok: 0, failed: 0, statuses: new Map<string, number>() };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!done) {
        let outcome: string;
        try {
          const res = await post(url, tool);
          outcome = res.status === 200 && !res.body.includes('"isError":true') ? 'ok' : `http ${res.status}`;
        } catch (error) {
          outcome = `network ${String((error as Error).cause ?? error)}`;
        }
        if (outcome === 'ok') counts.ok++;
        else counts.failed++;
        counts.statuses.set(outcome, (counts.statuses.get(outcome) ?? 0) + 1);
      }
    }),
  );
  return counts;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

describe.skipIf(process.env['SLIPWAY_NO_POSTGRES'])('three replicas on PostgreSQL behind nginx', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-replicas-'));
  let postgres: PostgresServer;
  let receiver: Server;
  const spans: Array<{ name: string; traceId: string; parentSpanId?: string; spanId: string; service: string }> = [];
  const replicas: Replica[] = [];
  let lb: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    postgres = await startPostgres();
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: Array<{
            resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
            scopeSpans: Array<{ spans: Array<Record<string, string>> }>;
          }>;
        };
        for (const resource of body.resourceSpans) {
          const service = resource.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const scope of resource.scopeSpans) {
            for (const span of scope.spans)
              spans.push({ name: span['name']!, traceId: span['traceId']!, spanId: span['spanId']!, parentSpanId: span['parentSpanId'], service });
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    env = {
      DATABASE_URL: loginUrl(postgres, 'replicas_app'),
      DATABASE_MIGRATION_URL: postgres.url,
      RATE_LIMITS: 'limited=6/1h',
      // Every replica verifies what any of them signed.
      REQUEST_STATE_KEYS: 'replicas-shared-request-state-key-0123456789',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as { port: number }).port}`,
    };
    // The first migrates (and creates the serving login); the others find it done.
    replicas.push(await startReplica(env));
    replicas.push(...(await Promise.all([startReplica(env), startReplica(env)])));
    const lbPort = await freePort();
    startNginx(
      join(dir, 'nginx'),
      lbPort,
      replicas.map((r) => r.port),
    );
    lb = `http://127.0.0.1:${lbPort}`;
    await waitFor('nginx', async () => ((await fetch(`${lb}/healthz`).catch(() => undefined))?.ok ? true : undefined), 20_000);
  }, 180_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("holds a tenant's rate limit across the three replicas", async () => {
    const answers = [];
    for (let i = 0; i < 15; i++) answers.push(await post(lb, 'limited'));
    const allowed = answers.filter((a) => a.status === 200);
    expect(allowed).toHaveLength(6);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(9);
    // Round-robin: the six admitted calls were served by all three replicas, sharing one bucket.
    expect(new Set(allowed.map((a) => pidOf(a.body))).size).toBe(3);
    // Another tenant has its own bucket.
    expect((await post(lb, 'limited', { authorization: 'Bearer token-other' })).status).toBe(200);
  });

  it('carries one trace across nginx, the runtime and the database', async () => {
    const res = await post(lb, 'count_notes', { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` });
    expect(res.status).toBe(200);
    await waitFor('the spans', async () => (spans.some((s) => s.traceId === TRACE_ID && s.name === 'SELECT') ? true : undefined), 20_000);
    const trace = spans.filter((s) => s.traceId === TRACE_ID);
    const http = trace.find((s) => s.name === 'POST /mcp')!;
    const tool = trace.find((s) => s.name === 'tools/call count_notes')!;
    const query = trace.find((s) => s.name === 'SELECT')!;
    expect(http.parentSpanId).toBe(PARENT_SPAN);
    expect(tool.parentSpanId).toBe(http.spanId);
    expect(query.parentSpanId).toBe(tool.spanId);
    expect(http.service).toBe('replica');
    // nginx passed the trace context on: its access log has the request with this traceparent.
    expect(readFileSync(join(dir, 'nginx', 'access.log'), 'utf8')).toContain(TRACE_ID);
  });

  it('delivers a change published through one replica to a listen stream on another', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const connect = async (url: string) => {
      const client = new Client({ name: 'listener', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: 'Bearer token-acme' } } }));
      return client;
    };
    const listener = await connect(a.url);
    const caller = await connect(b.url);
    try {
      let heard: () => void = () => undefined;
      listener.setNotificationHandler('notifications/tools/list_changed', () => heard());
      const subscription = await listener.listen({ toolsListChanged: true });
      const latencies: number[] = [];
      for (let i = 0; i < 40; i++) {
        const received = new Promise<void>((resolve) => (heard = resolve));
        const started = performance.now();
        const result = await caller.callTool({ name: 'touch', arguments: {} });
        expect((result.structuredContent as { pid: number }).pid).toBe(b.child.pid);
        await received;
        latencies.push(performance.now() - started);
      }
      await subscription.close();
      latencies.sort((x, y) => x - y);
      console.log(
        `listen notification across replicas (call on B to notification on A): p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms (n=40)`,
      );
      expect(percentile(latencies, 99)).toBeLessThan(2_000);
    } finally {
      await listener.close();
      await caller.close();
    }
  });

  it('completes an input-required round trip whose two requests land on different replicas', async () => {
    const client = new Client({ name: 'mrtr', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: 'auto' } });
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { ok: true } }));
    await client.connect(new StreamableHTTPClientTransport(new URL(`${lb}/mcp`), { requestInit: { headers: { authorization: 'Bearer token-acme' } } }));
    try {
      const result = await client.callTool({ name: 'confirm', arguments: {} });
      const { first, second, ok } = result.structuredContent as { first: number; second: number; ok: boolean };
      expect(ok).toBe(true);
      expect(replicas.map((r) => r.child.pid)).toContain(first);
      expect(second).not.toBe(first);
    } finally {
      await client.close();
    }
  });

  it('measures throughput with tracing on and off (one replica each, alternating)', async () => {
    const { OTEL_EXPORTER_OTLP_ENDPOINT: _, ...untraced } = env;
    const plain = await startReplica(untraced);
    const traced = replicas[0]!;
    const served = async (url: string, ms: number) => (await load(url, 'count_notes', 16, sleep(ms))).ok;
    await served(plain.url, 1_000); // warm-up: connections, JIT
    await served(traced.url, 1_000);
    // Alternating rounds, so that the other helpers' load on this machine weighs on both sides alike.
    let off = 0;
    let on = 0;
    for (let round = 0; round < 4; round++) {
      off += await served(plain.url, 1_500);
      on += await served(traced.url, 1_500);
    }
    console.log(
      `throughput (count_notes, 16 clients, 4 x 1.5 s each): tracing off ${(off / 6).toFixed(0)}/s, on ${(on / 6).toFixed(0)}/s, on/off ${(on / off).toFixed(2)}`,
    );
    plain.child.kill('SIGTERM');
    expect(on).toBeGreaterThan(0);
    expect(off).toBeGreaterThan(0);
  }, 120_000);

  it('loses no request the balancer can retry when a replica is killed under load, and keeps serving', async () => {
    const victim = replicas[2]!;
    const stop = sleep(4_000);
    const running = load(lb, 'count_notes', 12, stop);
    await sleep(1_500);
    victim.child.kill('SIGKILL');
    const counts = await running;
    console.log(`killed one of three replicas under load: ${counts.ok} answered, ${counts.failed} failed ${JSON.stringify([...counts.statuses])}`);
    expect(counts.ok).toBeGreaterThan(100);
    expect(counts.failed).toBe(0);
    const after = await Promise.all(Array.from({ length: 6 }, () => post(lb, 'count_notes')));
    expect(after.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(after.map((a) => pidOf(a.body))).size).toBe(2);
  }, 60_000);
});
