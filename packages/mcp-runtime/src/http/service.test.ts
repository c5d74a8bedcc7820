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
          if (checks.database === 'fail') throw new Error('connect ECONNREFUSED 10.20.30.40:5432');
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

  it('answers /readyz 503 naming a failing check, without its error text (to the log only)', async () => {
    checks.database = 'fail';
    const res = await rawRequest(`${service.url}/readyz`);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toEqual({ status: 'unavailable', checks: { database: 'unavailable', cache: 'ok' } });
    expect(res.body).not.toMatch(/10\.20\.30\.40|5432|ECONNREFUSED/);
    const logged = lines.find((l) => l['msg'] === 'readiness check failed' && l['check'] === 'database');
    expect(JSON.stringify(logged)).toContain('connect ECONNREFUSED 10.20.30.40:5432');
  });

  it('answers /readyz 503 with a timeout message for a slow check', async () => {
    checks.database = 'slow';
    const started = performance.now();
    const res = await rawRequest(`${service.url}/readyz`);
    expect(performance.now() - started).toBeLessThan(900);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).checks.database).toBe('timeout');
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
  });

  it('by default accepts only its own loopback origins and the MCP Inspector: scheme, host and port count', async () => {
    const call = (origin: string) =>
      rawRequest(`${service.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, origin }, body: toolsCall('add', { a: 1, b: 2 }) });
    for (const origin of [`http://localhost:${service.port}`, `http://127.0.0.1:${service.port}`, 'http://localhost:6274']) {
      expect((await call(origin)).status, origin).toBe(200);
    }
    const attacks = [
      'ftp://localhost',
      `ftp://localhost:${service.port}`,
      'http://localhost:6666',
      'http://localhost:5173',
      'null',
      'http://localhost.evil.com',
      `HTTP://LOCALHOST.EVIL.COM:${service.port}`,
      'HTTP://LOCALHOST:6666',
    ];
    for (const origin of attacks) {
      const res = await call(origin);
      expect(res.status, origin).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 }, id: null });
    }
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

  const MODERN_HEADERS = { ...MCP_HEADERS, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'add' };
  const modernCall = (args: Record<string, unknown>, id: number) =>
    JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: {
        name: 'add',
        arguments: args,
        _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} },
      },
    });

  it('answers a 2026-07-28 tools/call with one JSON body of the declared length', async () => {
    const res = await rawRequest(`${service.url}/mcp`, { method: 'POST', headers: MODERN_HEADERS, body: modernCall({ a: 2, b: 3 }, 71) });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
    const answer = JSON.parse(res.body);
    expect(answer).toMatchObject({ jsonrpc: '2.0', id: 71, result: { structuredContent: { sum: 5 } } });
  });

  it('leaves a 2026-07-28 request the SDK rejects to the SDK: a mismatched Mcp-Name header is a 400 naming both', async () => {
    const res = await rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...MODERN_HEADERS, 'mcp-name': 'fail' },
      body: modernCall({ a: 1, b: 1 }, 72),
    });
    expect(res.status).toBe(400);
    const { message } = (JSON.parse(res.body) as { error: { message: string } }).error;
    expect(message).toContain('"add"');
    expect(message).toContain('"fail"');
  });

  it('answers a 2025-era tools/call with one JSON body, and a batch with an array of answers', async () => {
    const single = await rawRequest(`${service.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: toolsCall('add', { a: 4, b: 5 }, 73) });
    expect(single.status).toBe(200);
    expect(Number(single.headers['content-length'])).toBe(Buffer.byteLength(single.body));
    expect(JSON.parse(single.body)).toMatchObject({ id: 73, result: { structuredContent: { sum: 9 } } });
    const batch = await rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: MCP_HEADERS,
      body: `[${toolsCall('add', { a: 1, b: 2 }, 74)},${toolsCall('add', { a: 3, b: 4 }, 75)}]`,
    });
    expect(batch.status).toBe(200);
    const answers = batch.body.startsWith('[') ? (JSON.parse(batch.body) as { id: number }[]) : [];
    const sse = batch.body.startsWith('[') ? [] : [...batch.body.matchAll(/^data: (.+)$/gm)].map((m) => JSON.parse(m[1]!) as { id: number });
    expect([...answers, ...sse].map((a) => a.id).sort()).toEqual([74, 75]);
  });

  it('writes one access line per request and never logs tool arguments', async () => {
    await rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, 'x-request-id': 'access-log-test' },
      body: toolsCall('fail', { reason: 'top-secret-argument' }),
    });
    const access = lines.filter((l) => l['reqId'] === 'access-log-test' && l['msg'] === 'request');
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

  it('requires the port of an ALLOWED_HOSTS entry that has one', async () => {
    const ported = await startHttpService({
      info,
      capabilities,
      config: testConfig({ ALLOWED_HOSTS: ['mcp.internal:8443'], METRICS_ENABLED: false }),
      logger: memoryLogger().logger,
      handleSignals: false,
    });
    try {
      const call = (host: string) =>
        rawRequest(`${ported.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, host }, body: toolsCall('add', { a: 1, b: 1 }) });
      expect((await call('mcp.internal:8443')).status).toBe(200);
      expect((await call('MCP.INTERNAL:8443')).status).toBe(200);
      expect((await call('mcp.internal:6666')).status).toBe(403);
      expect((await call('mcp.internal')).status).toBe(403);
    } finally {
      await ported.close();
    }
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

describe('HTTP service with OPS_PORT: /metrics and /readyz on the ops listener only', () => {
  let service: RunningService;
  let ops: NonNullable<RunningService['ops']>;
  let databaseUp = true;

  beforeAll(async () => {
    service = await startHttpService({
      info,
      capabilities,
      config: testConfig({ OPS_PORT: 0 }),
      logger: memoryLogger().logger,
      handleSignals: false,
      readiness: {
        database: () => {
          if (!databaseUp) throw new Error('connect ECONNREFUSED 10.20.30.40:5432');
        },
      },
    });
    ops = service.ops!;
  });
  afterAll(() => service.close());

  it('serves /mcp and /healthz on the public port, and 404 for /metrics and /readyz', async () => {
    expect(ops.port).not.toBe(service.port);
    for (const path of ['/metrics', '/readyz', '/metrics?x=1']) {
      const res = await rawRequest(`${service.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(JSON.parse(res.body)).toEqual({ error: 'not_found' });
    }
    expect((await rawRequest(`${service.url}/healthz`)).status).toBe(200);
    const call = await rawRequest(`${service.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: toolsCall('add', { a: 1, b: 2 }) });
    expect(call.status).toBe(200);
  });

  it('serves /metrics, /readyz and /healthz on the ops port, and not /mcp', async () => {
    const metrics = await rawRequest(`${ops.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^http_requests_total\{method="GET",route="other",status="404"\} [1-9]/m);
    expect((await rawRequest(`${ops.url}/readyz`)).status).toBe(200);
    expect((await rawRequest(`${ops.url}/healthz`)).status).toBe(200);
    const mcp = await rawRequest(`${ops.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: toolsCall('add', { a: 1, b: 2 }) });
    expect(mcp.status).toBe(404);
  });

  it('answers a failing readiness check on the ops port without its address', async () => {
    databaseUp = false;
    const res = await rawRequest(`${ops.url}/readyz`);
    databaseUp = true;
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toEqual({ status: 'unavailable', checks: { database: 'unavailable' } });
    expect(res.body).not.toContain('10.20.30.40');
  });

  it('closes both listeners on shutdown', async () => {
    const other = await startHttpService({
      info,
      capabilities,
      config: testConfig({ OPS_PORT: 0 }),
      logger: memoryLogger().logger,
      handleSignals: false,
    });
    await other.close();
    expect(other.server.listening).toBe(false);
    expect(other.ops?.server.listening).toBe(false);
    await expect(rawRequest(`${other.ops?.url}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses OPS_PORT equal to PORT, and ALLOWED_HOSTS that would refuse every call', async () => {
    const start = (overrides: Parameters<typeof testConfig>[0]) =>
      startHttpService({ info, capabilities, config: testConfig(overrides), logger: memoryLogger().logger, handleSignals: false });
    await expect(start({ PORT: 9464, OPS_PORT: 9464 })).rejects.toThrow('OPS_PORT must differ from PORT');
    await expect(start({ ALLOWED_HOSTS: [] })).rejects.toThrow('ALLOWED_HOSTS is empty');
    await expect(start({ ALLOWED_ORIGINS: ['app.example.com'] })).rejects.toThrow('write https://app.example.com');
  });
});
