import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { MCP_HEADERS, rawRequest, testConfig } from '../__fixtures__/http-client.js';
import { openDatabase } from '../database/open.js';
import type { Database } from '../database/types.js';
import { baseConfigSchema, parseConfig } from '../config.js';
import { startHttpService, type RunningService } from '../http/service.js';
import { createLogger } from '../logger.js';
import { defineTool } from '../tools.js';
import { startTracing } from './start.js';
import { traceQuery, tracingActive } from './spans.js';

const SECRET = 'hunter2-argument';
const PARENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';
const META_TRACE = '0af7651916cd43dd8448eb211c80319c';
const META_SPAN = 'b7ad6b7169203331';

function lookup(db: () => Database) {
  return defineTool({
    name: 'lookup',
    description: 'Runs a query with its argument and logs a line',
    inputSchema: z.object({ term: z.string() }),
    outputSchema: z.object({ echoed: z.string() }),
    handler: async ({ term }, ctx) => {
      ctx.logger.info('looking up');
      const { rows } = await db().query<{ echoed: string }>('SELECT $1::text AS echoed', [term]);
      return { echoed: rows[0]!.echoed };
    },
  });
}

const call = (term: string, meta?: Record<string, string>) =>
  JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'lookup', arguments: { term }, ...(meta && { _meta: meta }) } });

function logSink() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'traced', stream }) };
}

let db: Database;
beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
}, 60_000);
afterAll(() => db.close());

describe('tracing off', () => {
  it('loads no SDK and calls straight through', async () => {
    expect(await startTracing({ serviceName: 'x' })).toBeUndefined();
    expect(tracingActive()).toBe(false);
    const value = await traceQuery('postgresql', 'SELECT 1', async () => 42);
    expect(value).toBe(42);
  });
});

describe('tracing on, in-memory exporter', () => {
  const exporter = new InMemorySpanExporter();
  const { lines, logger } = logSink();
  let service: RunningService;

  beforeAll(async () => {
    service = await startHttpService({
      info: { name: 'traced', version: '0.0.1' },
      capabilities: { tools: [lookup(() => db)] },
      config: testConfig(),
      logger,
      handleSignals: false,
      tracing: { exporter },
    });
  }, 60_000);
  afterAll(() => service.close());

  const byName = (spans: ReadableSpan[], prefix: string) => spans.find((s) => s.name.startsWith(prefix));
  const parentOf = (span: ReadableSpan | undefined) => span?.parentSpanContext?.spanId;

  it('makes one trace of HTTP request, tool call and query, under the traceparent header', async () => {
    exporter.reset();
    const res = await rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-01` },
      body: call(SECRET),
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain(SECRET);
    const spans = exporter.getFinishedSpans();
    const http = byName(spans, 'POST /mcp');
    const tool = byName(spans, 'tools/call lookup');
    const query = byName(spans, 'SELECT');
    expect(http && tool && query).toBeTruthy();
    for (const span of [http, tool, query]) expect(span!.spanContext().traceId).toBe(PARENT_TRACE);
    expect(parentOf(http)).toBe(PARENT_SPAN);
    expect(parentOf(tool)).toBe(http!.spanContext().spanId);
    expect(parentOf(query)).toBe(tool!.spanContext().spanId);
    expect(http!.attributes['http.response.status_code']).toBe(200);
    expect(tool!.attributes['gen_ai.tool.name']).toBe('lookup');
    expect(query!.attributes['db.operation.name']).toBe('SELECT');
    // Neither the arguments nor the SQL text are span attributes.
    const recorded = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events]));
    expect(recorded).not.toContain(SECRET);
    expect(recorded).not.toContain('$1::text');
  });

  it('writes trace and span ids on log lines inside the call, and an audit line without arguments', async () => {
    const tool = byName(exporter.getFinishedSpans(), 'tools/call lookup')!;
    const line = lines.find((l) => l['msg'] === 'looking up');
    expect(line).toMatchObject({ trace_id: PARENT_TRACE, span_id: tool.spanContext().spanId });
    const http = byName(exporter.getFinishedSpans(), 'POST /mcp')!;
    // The access line is written inside the request's span too.
    expect(lines.find((l) => l['msg'] === 'request' && l['route'] === '/mcp')).toMatchObject({ trace_id: PARENT_TRACE, span_id: http.spanContext().spanId });
    const audit = lines.find((l) => l['audit'] === 'tool_call');
    expect(audit).toMatchObject({
      tool: 'lookup',
      outcome: 'success',
      trace_id: PARENT_TRACE,
      span_id: tool.spanContext().spanId,
      subject: null,
      tenant: null,
    });
    expect(typeof audit!['durationMs']).toBe('number');
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });

  it('parents the tool call on the 2026-07-28 _meta trace context', async () => {
    exporter.reset();
    const res = await rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: MCP_HEADERS,
      body: call('x', { traceparent: `00-${META_TRACE}-${META_SPAN}-01` }),
    });
    expect(res.status).toBe(200);
    const tool = byName(exporter.getFinishedSpans(), 'tools/call lookup')!;
    expect(tool.spanContext().traceId).toBe(META_TRACE);
    expect(parentOf(tool)).toBe(META_SPAN);
  });

  it('ignores a malformed traceparent and starts a new trace', async () => {
    exporter.reset();
    await rawRequest(`${service.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, traceparent: '00-zz-yy-01' }, body: call('x') });
    const http = byName(exporter.getFinishedSpans(), 'POST /mcp')!;
    expect(http.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(parentOf(http)).toBeUndefined();
  });

  it('does not trace probes', async () => {
    exporter.reset();
    await rawRequest(`${service.url}/healthz`);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('tracing on, OTLP/HTTP to a local receiver', () => {
  let receiver: Server;
  const received: unknown[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ path: req.url, type: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('exports the spans as OTLP JSON to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces, flushed on shutdown', async () => {
    const address = receiver.address() as { port: number };
    const service = await startHttpService({
      info: { name: 'traced', version: '0.0.1' },
      capabilities: { tools: [lookup(() => db)] },
      config: { ...testConfig(), OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${address.port}`, OTEL_SERVICE_NAME: 'orders' },
      logger: logSink().logger,
      handleSignals: false,
    });
    try {
      const res = await rawRequest(`${service.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: call('y') });
      expect(res.status).toBe(200);
    } finally {
      await service.close();
    }
    expect(received.length).toBeGreaterThan(0);
    const text = JSON.stringify(received);
    expect(received[0]).toMatchObject({ path: '/v1/traces', type: 'application/json' });
    expect(text).toContain('"stringValue":"orders"');
    for (const name of ['POST /mcp', 'tools/call lookup', 'SELECT']) expect(text).toContain(`"name":"${name}"`);
    expect(tracingActive()).toBe(false);
  }, 60_000);
});

describe('tracing on, Azure Monitor exporter (APPLICATIONINSIGHTS_CONNECTION_STRING)', () => {
  it("sends the spans to the connection string's ingestion endpoint", async () => {
    const bodies: Array<{ path: string | undefined; body: string }> = [];
    // Azure's HTTP pipeline speaks TLS only: a throw-away self-signed certificate, trusted for this test.
    const dir = mkdtempSync(join(tmpdir(), 'slipway-ingest-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    rmSync(dir, { recursive: true, force: true });
    const ingestion = createHttpsServer(tls, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
        bodies.push({ path: req.url, body: text });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ itemsReceived: 1, itemsAccepted: 1, errors: [] }));
      });
    });
    await new Promise<void>((resolve) => ingestion.listen(0, '127.0.0.1', resolve));
    process.env['APPLICATIONINSIGHTS_STATSBEAT_DISABLED'] = 'true';
    process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
    const port = (ingestion.address() as { port: number }).port;
    const connection = `InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://127.0.0.1:${port}/`;
    const service = await startHttpService({
      info: { name: 'traced', version: '0.0.1' },
      capabilities: { tools: [lookup(() => db)] },
      config: { ...testConfig(), ...parseConfig(baseConfigSchema, { APPLICATIONINSIGHTS_CONNECTION_STRING: connection }), PORT: 0 },
      logger: logSink().logger,
      handleSignals: false,
    });
    try {
      expect((await rawRequest(`${service.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: call(SECRET) })).status).toBe(200);
    } finally {
      await service.close();
      await new Promise<void>((resolve) => ingestion.close(() => resolve()));
      delete process.env['APPLICATIONINSIGHTS_STATSBEAT_DISABLED'];
      delete process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
    }
    const tracks = bodies.filter((b) => b.path?.includes('/track'));
    expect(tracks.length).toBeGreaterThan(0);
    const text = tracks.map((t) => t.body).join('\n');
    expect(text).toContain('tools/call lookup');
    expect(text).toContain('00000000-0000-0000-0000-000000000001');
    expect(text).not.toContain(SECRET);
  }, 60_000);

  it('refuses a value that is not a connection string, hiding it', () => {
    expect(() => parseConfig(baseConfigSchema, { APPLICATIONINSIGHTS_CONNECTION_STRING: 'secret-ish-value' })).toThrow(
      /APPLICATIONINSIGHTS_CONNECTION_STRING must be an Application Insights connection string .*\(value hidden\)/,
    );
  });
});
