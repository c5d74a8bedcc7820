import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilities, info } from '../__fixtures__/sample.js';
import { MCP_HEADERS, memoryLogger, rawRequest, testConfig } from '../__fixtures__/http-client.js';
import { startHttpService, type RunningService } from './service.js';

const toolsCall = (name: string, args: Record<string, unknown>, id = 1) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

describe('HTTP service on 127.0.0.1', () => {
  let service: RunningService;
  const { logger, lines } = memoryLogger();
  const checks = { database: 'ok' as 'ok' | 'fail' | 'slow' };

  beforeAll(async () => {
    service = await startHttpService({
      info,
      capabilities,
      config: testConfig({ READINESS_TIMEOUT_MS: 150, MAX_REQUEST_BODY_BYTES: 64 * 1024 }),
      logger,
      handleSignals: false,
      readiness: {
        database: async () => {
          if (checks.database === 'fail') throw new Error('connection refused');
          if (checks.database === 'slow') await new Promise((resolve) => setTimeout(resolve, 1_000));
        },
        cache: () => undefined,
      },
    });
  });
  afterAll(() => service.close());

  it('reports the real port and URL', () => {
    expect(service.port).toBeGreaterThan(0);
    expect(service.url).toBe(`http://127.0.0.1:${service.port}`);
    expect(lines.some((l) => l['msg'] === 'listening' && l['url'] === service.url)).toBe(true);
  });

  it('answers /healthz with 200 ok', async () => {
    const res = await rawRequest(`${service.url}/healthz`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
  });

  it('answers /readyz 200 when every check passes', async () => {
    checks.database = 'ok';
    const res = await rawRequest(`${service.url}/readyz`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ready', checks: { database: 'ok', cache: 'ok' } });
  });

  it('answers /readyz 503 naming a failing check', async () => {
    checks.database = 'fail';
    const res = await rawRequest(`${service.url}/readyz`);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toEqual({ status: 'not_ready', checks: { database: 'connection refused', cache: 'ok' } });
  });

  it('answers /readyz 503 with a timeout message for a slow check', async () => {
    checks.database = 'slow';
    const started = performance.now();
    const res = await rawRequest(`${service.url}/readyz`);
    expect(performance.now() - started).toBeLessThan(900);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).checks.database).toBe('timeout after 150ms');
    checks.database = 'ok';
  });

  it('answers unknown paths with 404 JSON', async () => {
    const res = await rawRequest(`${service.url}/nope?x=1`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body)).toEqual({ error: 'not_found' });
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const kept = await rawRequest(`${service.url}/healthz`, { headers: { 'x-request-id': 'trace-42.a:b' } });
    expect(kept.headers['x-request-id']).toBe('trace-42.a:b');
    const replaced = await rawRequest(`${service.url}/healthz`, { headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an oversize body with 413 without reading it', async () => {
    const res = await rawRequest(`${service.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: 'x'.repeat(200 * 1024) });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.message).toContain('65536 bytes');
  });

  it('answers 413 for a chunked body that grows over the bound', async () => {
    const res = await rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, 'transfer-encoding': 'chunked' },
      body: `{"pad":"${'y'.repeat(100 * 1024)}"}`,
    });
    expect(res.status).toBe(413);
  });

  it('answers a non-JSON content type with 415', async () => {
    const res = await rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, 'content-type': 'text/plain' },
      body: toolsCall('add', { a: 1, b: 2 }),
    });
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
  });

  it('answers invalid JSON with a JSON-RPC parse error', async () => {
    const res = await rawRequest(`${service.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: '{"jsonrpc":' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe(-32700);
  });

  it('answers GET and DELETE on /mcp with 405 (stateless)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await rawRequest(`${service.url}/mcp`, { method, headers: { accept: 'text/event-stream' } });
      expect(res.status).toBe(405);
    }
  });

  it('rejects a bad Origin with 403', async () => {
    const res = await rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, origin: 'https://evil.example' },
      body: toolsCall('add', { a: 1, b: 2 }),
    });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.message).toContain('evil.example');
    const ok = await rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, origin: 'http://localhost:5173' },
      body: toolsCall('add', { a: 1, b: 2 }),
    });
    expect(ok.status).toBe(200);
  });

  it('counts tool calls by outcome in /metrics, arguments the schema rejects included', async () => {
    await rawRequest(`${service.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: toolsCall('add', { a: 2, b: 3 }) });
    const before = /^mcp_tool_calls_total\{tool="add",outcome="error"\} (\d+)/m.exec((await rawRequest(`${service.url}/metrics`)).body);
    await rawRequest(`${service.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: toolsCall('add', { a: 'two' }) });
    await rawRequest(`${service.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: toolsCall('fail', { reason: 'no' }) });
    const res = await rawRequest(`${service.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/^mcp_tool_calls_total\{tool="add",outcome="success"\} [1-9]/m);
    expect(res.body).toMatch(/^mcp_tool_calls_total\{tool="fail",outcome="error"\} [1-9]/m);
    expect(res.body).toMatch(/^mcp_tool_call_duration_seconds_count\{tool="add",outcome="success"\} [1-9]/m);
    expect(res.body).toMatch(/^http_requests_total\{method="POST",route="\/mcp",status="200"\} [1-9]/m);
    expect(res.body).toMatch(/^http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/healthz",status="200"\}/m);
    expect(res.body).toMatch(/^http_requests_total\{method="GET",route="other",status="404"\} [1-9]/m);
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).not.toContain('/nope');
    const after = /^mcp_tool_calls_total\{tool="add",outcome="error"\} (\d+)/m.exec(res.body);
    expect(Number(after?.[1])).toBe(Number(before?.[1] ?? 0) + 1);
  });

  it('writes one access line per request and never logs tool arguments', async () => {
    await rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, 'x-request-id': 'access-log-test' },
      body: toolsCall('fail', { reason: 'top-secret-argument' }),
    });
    const access = lines.filter((l) => l['reqId'] === 'access-log-test');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ level: 30, method: 'POST', route: '/mcp', status: 200 });
    expect(typeof access[0]?.['durationMs']).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('top-secret-argument');
  });
});

describe('HTTP service bound to 0.0.0.0', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startHttpService({
      info,
      capabilities,
      config: testConfig({ HOST: '0.0.0.0', ALLOWED_HOSTS: ['127.0.0.1', 'mcp.internal'], METRICS_ENABLED: false }),
      logger: memoryLogger().logger,
      handleSignals: false,
    });
  });
  afterAll(() => service.close());

  it('keeps Host validation on: evil.example gets 403 on /mcp', async () => {
    const url = `http://127.0.0.1:${service.port}/mcp`;
    const evil = await rawRequest(url, { method: 'POST', headers: { ...MCP_HEADERS, host: 'evil.example' }, body: toolsCall('add', { a: 1, b: 1 }) });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000, message: 'Invalid Host: evil.example' }, id: null });
    const allowed = await rawRequest(url, {
      method: 'POST',
      headers: { ...MCP_HEADERS, host: `mcp.internal:${service.port}` },
      body: toolsCall('add', { a: 1, b: 1 }),
    });
    expect(allowed.status).toBe(200);
    expect(JSON.parse(allowed.body).result.structuredContent).toEqual({ sum: 2 });
  });

  it('does not apply Host validation to probes (kubelet uses the pod IP)', async () => {
    const res = await rawRequest(`http://127.0.0.1:${service.port}/healthz`, { headers: { host: '10.1.2.3:8080' } });
    expect(res.status).toBe(200);
  });

  it('answers /metrics with 404 when metrics are disabled', async () => {
    expect(service.metrics).toBeUndefined();
    const res = await rawRequest(`http://127.0.0.1:${service.port}/metrics`);
    expect(res.status).toBe(404);
  });
});
