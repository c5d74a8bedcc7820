import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nx, setUpSlipwayWorkspace, type SlipwayWorkspace } from '../tools/local-packages.js';
import { addTools } from './support/generated-service.js';
import { startRoundRobin, type LoadBalancer } from './support/nginx.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { freePort, waitFor } from './support/ports.js';
import { loginUrl, startPostgres, type PostgresServer } from './support/postgres.js';
import { run } from './support/run.js';
import { startServiceProcess, type ServiceProcess } from './support/service-process.js';
import { startStandInIssuer, type StandInIssuer } from './support/stand-in-issuer.js';

/**
 * Three replicas of a generated service (`--database=postgres`) on one PostgreSQL, behind Debian's
 * nginx as a round-robin load balancer, with bearer auth from a stand-in issuer: what crosses
 * replicas (change events, input-required state, rate limits, traces) holds, and a replica killed
 * under load costs no request the balancer can retry. Prints its figures on one `replicas e2e figures` line.
 */
const SERVICE = 'ledger';
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const PARENT_SPAN = 'eee19b7ec3c1b174';
const RATE_LIMIT_BURST = 6;

// What a user adds in src/capabilities/: each tool says which replica (process) served it.
const REPLICA_TOOLS = `import { defineTool, inputRequired } from '@slipway/mcp-runtime';
import { z } from 'zod';
import type { Database } from '../database.js';

const served = z.object({ pid: z.number().int() });

export function replicaTools(db: Database) {
  const countNotes = defineTool({
    name: 'count_notes',
    description: 'Counts the notes (a database read).',
    inputSchema: z.object({}),
    outputSchema: served.extend({ n: z.number().int() }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: async () => {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notes');
      return { n: rows[0]?.n ?? 0, pid: process.pid };
    },
  });
  const limited = defineTool({
    name: 'limited',
    description: 'A tool RATE_LIMITS limits.',
    inputSchema: z.object({}),
    outputSchema: served,
    handler: () => ({ pid: process.pid }),
  });
  const touch = defineTool({
    name: 'touch',
    description: 'Tells every listening client, on every replica, that the tool list changed.',
    inputSchema: z.object({}),
    outputSchema: served,
    handler: async (_args, ctx) => {
      await ctx.publish({ type: 'tools/list_changed' });
      return { pid: process.pid };
    },
  });
  // Two rounds: the sealed state carries the first round's replica, the answer names both.
  const confirm = defineTool({
    name: 'confirm',
    description: 'Asks the user to confirm, then says which replicas served the two rounds.',
    inputSchema: z.object({}),
    outputSchema: z.object({ first: z.number().int(), second: z.number().int(), ok: z.boolean() }),
    inputRequired: true,
    handler: (_args, ctx) => {
      const answer = ctx.input('ok');
      const state = ctx.requestState<{ first: number }>();
      if (answer.kind !== 'elicit' || state === undefined) {
        return inputRequired({
          inputRequests: {
            ok: inputRequired.elicit({ message: 'Go on?', requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } }),
          },
          requestState: ctx.sealState({ first: process.pid }),
        });
      }
      return { first: state.first, second: process.pid, ok: answer.content?.['ok'] === true };
    },
  });
  return [countNotes, limited, touch, confirm];
}
`;

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** One tools/call as a raw HTTP POST, as a load balancer sees it. */
async function callTool(url: string, name: string, token: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } }),
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

const pidOf = (answer: Answer) => (JSON.parse(answer.body) as { result: { structuredContent: { pid: number } } }).result.structuredContent.pid;

/** `concurrency` clients calling `tool` until `until` resolves; counts the answers by outcome. */
async function load(url: string, tool: string, token: string, concurrency: number, until: Promise<void>) {
  let done = false;
  void until.then(() => (done = true));
  const counts = { ok: 0, failed: 0, outcomes: new Map<string, number>() };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!done) {
        let outcome: string;
        try {
          const res = await callTool(url, tool, token);
          outcome = res.status === 200 && !res.body.includes('"isError":true') ? 'ok' : `http ${res.status} ${res.body.slice(0, 200)}`;
        } catch (error) {
          outcome = `network ${String((error as Error).cause ?? error)}`;
        }
        if (outcome === 'ok') counts.ok++;
        else counts.failed++;
        counts.outcomes.set(outcome, (counts.outcomes.get(outcome) ?? 0) + 1);
      }
    }),
  );
  return counts;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

describe.skipIf(process.env['SLIPWAY_NO_POSTGRES'])('three replicas of a generated service on PostgreSQL behind nginx', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-replicas-'));
  const service = join(work, 'workspace/services', SERVICE);
  const started = Date.now();
  const figures: Record<string, unknown> = {};
  let slipway: SlipwayWorkspace | undefined;
  let postgres: PostgresServer | undefined;
  let issuer: StandInIssuer | undefined;
  let receiver: OtlpReceiver | undefined;
  let lb: LoadBalancer | undefined;
  const processes: ServiceProcess[] = [];
  let replicas: ServiceProcess[] = [];
  let env: Record<string, string> = {};
  /** Bearer tokens of two tenants, signed by the stand-in issuer. */
  const tokens = { acme: '', globex: '' };

  const startReplica = async (extra: Record<string, string> = {}, without: readonly string[] = []) => {
    const port = await freePort();
    const replicaEnv: Record<string, string | undefined> = { ...env, ...extra, PORT: String(port) };
    for (const name of without) replicaEnv[name] = undefined;
    const replica = await startServiceProcess(service, replicaEnv, port);
    processes.push(replica);
    return replica;
  };

  beforeAll(async () => {
    const phase = (what: string) => console.info(`${what}: ${Math.round((Date.now() - started) / 1000)} s`);
    postgres = await startPostgres();
    slipway = await setUpSlipwayWorkspace(work);
    phase('PostgreSQL up; packed, published and workspace created');
    nx(slipway.dir, ['g', '@slipway/nx:new-mcp-service', SERVICE, '--database=postgres', '--no-interactive']);
    addTools(service, { file: 'replica-tools.ts', source: REPLICA_TOOLS, imports: ['replicaTools'], tools: '...replicaTools(db)' });
    nx(slipway.dir, ['run', `${SERVICE}:build`]);
    phase('generated and built');

    // The migration step as in production: the owner migrates and creates the service's own login.
    const serving = loginUrl(postgres, `${SERVICE}_app`);
    await run(process.execPath, ['dist/migrate.js'], {
      cwd: service,
      env: { ...process.env, DATABASE_URL: serving, DATABASE_MIGRATION_URL: postgres.url, LOG_LEVEL: 'warn' },
    });
    const lbPort = await freePort();
    issuer = await startStandInIssuer(`http://127.0.0.1:${lbPort}/mcp`);
    tokens.acme = await issuer.sign({ sub: 'alice', tenant: 'acme' });
    tokens.globex = await issuer.sign({ sub: 'bob', tenant: 'globex' });
    receiver = await startOtlpReceiver();
    env = {
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // Least privilege: the serving login only (no DATABASE_MIGRATION_URL), as the README says.
      DATABASE_URL: serving,
      // Every replica verifies what any of them signed.
      REQUEST_STATE_KEYS: 'replicas-shared-request-state-key-0123456789',
      RATE_LIMITS: `limited=${RATE_LIMIT_BURST}/1h`,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      ...issuer.env,
    };
    replicas = await Promise.all([startReplica(), startReplica(), startReplica()]);
    lb = await startRoundRobin(
      join(work, 'nginx'),
      lbPort,
      replicas.map((r) => Number(new URL(r.url).port)),
    );
    phase('migrated; three replicas behind nginx');
    figures['setUpSeconds'] = Math.round((Date.now() - started) / 1000);
  });

  afterAll(async () => {
    figures['totalSeconds'] = Math.round((Date.now() - started) / 1000);
    console.log(`replicas e2e figures: ${JSON.stringify(figures)}`);
    await lb?.stop();
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await receiver?.stop();
    await issuer?.stop();
    await postgres?.stop();
    await slipway?.registry.stop();
    if (!process.env['SLIPWAY_KEEP_E2E']) rmSync(work, { recursive: true, force: true });
  });

  const connect = async (url: string, token: string, options: ConstructorParameters<typeof Client>[1] = {}) => {
    const client = new Client({ name: 'replicas-e2e', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' }, ...options });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    return client;
  };
  const pidOfResult = (result: { structuredContent?: unknown }) => (result.structuredContent as { pid: number }).pid;

  it('refuses a call without a valid bearer token (auth on from AUTH_* config)', async () => {
    expect((await callTool(lb!.url, 'count_notes', 'not-a-token')).status).toBe(401);
    const ok = await callTool(lb!.url, 'count_notes', tokens.acme);
    expect(ok.status, ok.body).toBe(200);
  });

  it('delivers a change published through one replica to a listen stream on another', async () => {
    const [a, b] = replicas as [ServiceProcess, ServiceProcess];
    const listener = await connect(a.url, tokens.acme);
    const caller = await connect(b.url, tokens.acme);
    try {
      const listening = pidOfResult(await listener.callTool({ name: 'count_notes', arguments: {} }));
      let heard: () => void = () => undefined;
      listener.setNotificationHandler('notifications/tools/list_changed', () => heard());
      const subscription = await listener.listen({ toolsListChanged: true });
      const latencies: number[] = [];
      for (let i = 0; i < 60; i++) {
        const received = new Promise<void>((resolve) => (heard = resolve));
        const sent = performance.now();
        const publishing = pidOfResult(await caller.callTool({ name: 'touch', arguments: {} }));
        expect(publishing).not.toBe(listening);
        await received;
        latencies.push(performance.now() - sent);
      }
      await subscription.close();
      latencies.sort((x, y) => x - y);
      figures['notificationMs'] = { p50: Number(percentile(latencies, 50).toFixed(1)), p99: Number(percentile(latencies, 99).toFixed(1)), n: latencies.length };
      console.log(`listen notification across replicas (touch on B until the notification on A): ${JSON.stringify(figures['notificationMs'])}`);
    } finally {
      await listener.close();
      await caller.close();
    }
  });

  it('completes an input-required round trip whose two requests land on different replicas', async () => {
    const client = await connect(lb!.url, tokens.acme, { capabilities: { elicitation: { form: {} } } });
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { ok: true } }));
    try {
      const result = await client.callTool({ name: 'confirm', arguments: {} });
      const { first, second, ok } = result.structuredContent as { first: number; second: number; ok: boolean };
      expect(ok).toBe(true);
      const pids = replicas.map((r) => r.child.pid);
      expect(pids).toContain(first);
      expect(pids).toContain(second);
      expect(second).not.toBe(first);
    } finally {
      await client.close();
    }
  });

  it("holds a tenant's rate limit across the three replicas, and another tenant keeps its own", async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 3 * RATE_LIMIT_BURST; i++) answers.push(await callTool(lb!.url, 'limited', tokens.acme));
    const allowed = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    expect(allowed).toHaveLength(RATE_LIMIT_BURST);
    expect(refused).toHaveLength(2 * RATE_LIMIT_BURST);
    // Round robin: the admitted calls were served by all three replicas, drawing on one bucket.
    expect(new Set(allowed.map(pidOf)).size).toBe(3);
    const refusal = refused[0]!;
    expect(Number(refusal.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.parse(refusal.body)).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32029, data: { reason: 'rate_limited', tool: 'limited', retryAfterMs: expect.any(Number) } },
    });
    // Another tenant has its own bucket, on every replica.
    const other = await Promise.all(replicas.map(() => callTool(lb!.url, 'limited', tokens.globex)));
    expect(other.map((a) => a.status)).toEqual([200, 200, 200]);
  });

  it('carries one trace across nginx, the runtime and the database', async () => {
    const res = await callTool(lb!.url, 'count_notes', tokens.acme, { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` });
    expect(res.status).toBe(200);
    const spans = receiver!.spans;
    await waitFor('the spans', async () => (spans.some((s) => s.traceId === TRACE_ID && s.name === 'SELECT') ? true : undefined), 20_000);
    const trace = spans.filter((s) => s.traceId === TRACE_ID);
    const http = trace.find((s) => s.name === 'POST /mcp');
    const tool = trace.find((s) => s.name === 'tools/call count_notes');
    const query = trace.find((s) => s.name === 'SELECT');
    expect({ http, tool, query }, JSON.stringify(trace)).toMatchObject({
      http: { parentSpanId: PARENT_SPAN, service: SERVICE },
      tool: { parentSpanId: http?.spanId },
      query: { parentSpanId: tool?.spanId },
    });
    // nginx passed the trace context on: its access log has the request with this traceparent.
    expect(lb!.accessLog()).toContain(TRACE_ID);
  });

  it('measures throughput with tracing on and off in the same run (alternating replicas)', async () => {
    const untraced = await startReplica({}, ['OTEL_EXPORTER_OTLP_ENDPOINT']);
    const traced = replicas[0]!;
    const served = async (url: string, ms: number) => (await load(url, 'count_notes', tokens.acme, 16, sleep(ms))).ok;
    // Warm-up (connections, JIT, the JWKS cache), then alternating rounds, so that the other load on
    // this machine weighs on both sides alike.
    await served(untraced.url, 1_000);
    await served(traced.url, 1_000);
    const rounds = 6;
    const roundMs = 1_000;
    let off = 0;
    let on = 0;
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // ABBA order: neither side always runs first, after the other has warmed the database.
      const [first, second] = round % 2 === 0 ? [untraced, traced] : [traced, untraced];
      const served1 = await served(first.url, roundMs);
      const served2 = await served(second.url, roundMs);
      const [roundOff, roundOn] = first === untraced ? [served1, served2] : [served2, served1];
      off += roundOff;
      on += roundOn;
      ratios.push(roundOn / roundOff);
    }
    await untraced.stop();
    const seconds = (rounds * roundMs) / 1000;
    ratios.sort((x, y) => x - y);
    figures['throughput'] = {
      tracingOffPerSecond: Math.round(off / seconds),
      tracingOnPerSecond: Math.round(on / seconds),
      onOffRatio: Number((on / off).toFixed(2)),
      roundRatios: { min: Number(ratios[0]!.toFixed(2)), median: Number(percentile(ratios, 50).toFixed(2)), max: Number(ratios.at(-1)!.toFixed(2)) },
    };
    console.log(`throughput (count_notes, 16 clients, ${rounds} x ${roundMs} ms each side): ${JSON.stringify(figures['throughput'])}`);
    // No threshold: timing on a shared machine is no assertion. Both sides served.
    expect(on).toBeGreaterThan(0);
    expect(off).toBeGreaterThan(0);
  });

  it('loses no request the balancer can retry when a replica is killed under load, and keeps serving', async () => {
    const victim = replicas[2]!;
    const victimUpstream = new URL(victim.url).host;
    const logBefore = lb!.accessLog().length;
    const running = load(lb!.url, 'count_notes', tokens.acme, 12, sleep(4_000));
    await sleep(1_500);
    victim.child.kill('SIGKILL');
    const counts = await running;
    // A request nginx retried lists each upstream it tried: "127.0.0.1:A, 127.0.0.1:B".
    const retried = lb!
      .accessLog()
      .slice(logBefore)
      .split('\n')
      .filter((line) => line.startsWith(`${victimUpstream}, `)).length;
    figures['killUnderLoad'] = { answered: counts.ok, failed: counts.failed, retriedByNginx: retried, outcomes: Object.fromEntries(counts.outcomes) };
    console.log(`killed one of three replicas under load: ${JSON.stringify(figures['killUnderLoad'])}`);
    expect(counts.ok).toBeGreaterThan(100);
    // count_notes is a read: nginx retries it on another replica (non_idempotent), so none may fail.
    expect(counts.failed, JSON.stringify([...counts.outcomes])).toBe(0);
    const after = await Promise.all(Array.from({ length: 6 }, () => callTool(lb!.url, 'count_notes', tokens.acme)));
    expect(after.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(after.map(pidOf))).toEqual(new Set(replicas.slice(0, 2).map((r) => r.child.pid)));
  });
});
