import { parseConfig, startHttpService } from '@slipway/mcp-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCapabilities } from '../src/capabilities/index.js';
import { configSchema, requireAuth } from '../src/config.js';
import { localEmbeddings } from '../src/retail/embeddings.js';
import { serviceInfo } from '../src/service-info.js';

describe(`${serviceInfo.name} over HTTP`, () => {
  let service: Awaited<ReturnType<typeof startHttpService>>;

  beforeAll(async () => {
    // Port 0 (any free port) is for tests only: PORT itself must name a port.
    const parsed = parseConfig(configSchema, {
      ...process.env,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      AUTH_ISSUER: 'https://login.example.test/',
      AUTH_AUDIENCE: 'api://sales',
      AUTH_JWKS_URL: 'https://login.example.test/keys',
      AUTH_RESOURCE_URL: 'https://sales.example.test/mcp',
    });
    const config = { ...parsed, PORT: 0 };
    service = await startHttpService({
      info: serviceInfo,
      config,
      auth: requireAuth(config),
      // No call reaches a tool here (every /mcp request lacks a token), so no database is opened.
      capabilities: createCapabilities({
        db: undefined as never,
        embeddings: localEmbeddings(),
        scopeOf: () => {
          throw new Error('unreachable');
        },
        statementTimeoutMs: 1_000,
        maxRows: 10,
      }),
      handleSignals: false,
    });
  });

  afterAll(async () => {
    await service?.close();
  });

  it('answers liveness on /healthz', async () => {
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });

  it('refuses /mcp without a bearer token, pointing to its metadata', async () => {
    const res = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-store-id': '1' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('resource_metadata="https://sales.example.test/.well-known/oauth-protected-resource/mcp"');
  });

  it('serves the RFC 9728 protected-resource metadata', async () => {
    const res = await fetch(`${service.url}/.well-known/oauth-protected-resource/mcp`);
    expect(await res.json()).toMatchObject({ resource: 'https://sales.example.test/mcp', authorization_servers: ['https://login.example.test/'] });
  });
});
