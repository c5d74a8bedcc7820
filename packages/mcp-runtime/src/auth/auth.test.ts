import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { MCP_HEADERS, memoryLogger, rawRequest, testConfig } from '../__fixtures__/http-client.js';
import { ConfigError, parseConfig } from '../config.js';
import { startHttpService, type RunningService } from '../http/service.js';
import { defineTool } from '../tools.js';
import { authConfigSchema, authOptionsFromConfig, loadAuthOptions } from './config.js';
import { assertSafeJwksUrl } from './jwt-verifier.js';

const ISSUER = 'https://login.example.test/tenant';
const AUDIENCE = 'api://sales';

/** A JWKS served on loopback, with keys made here; counts how often it is fetched. */
async function startJwks(keys: JWK[]): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`, hits: () => hits, server };
}

const whoami = defineTool({
  name: 'whoami',
  description: 'Returns the verified identity the tool sees',
  inputSchema: z.object({}),
  outputSchema: z.object({ clientId: z.string(), scopes: z.array(z.string()), storeId: z.string().optional(), expiresAt: z.number().optional() }),
  handler: (_args, ctx) => ({
    clientId: ctx.authInfo?.clientId ?? '',
    scopes: ctx.authInfo?.scopes ?? [],
    ...(typeof ctx.authInfo?.extra?.['store_id'] === 'string' && { storeId: ctx.authInfo.extra['store_id'] }),
    ...(ctx.authInfo?.expiresAt !== undefined && { expiresAt: ctx.authInfo.expiresAt }),
  }),
});

const toolsCall = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } });

describe('bearer auth on startHttpService', () => {
  let service: RunningService;
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let signingKey: SigningKey;
  let otherKey: SigningKey;
  const resource = 'https://sales.example.test/mcp';

  async function token(claims: Record<string, unknown> = {}, options: { key?: SigningKey; exp?: string | number | null; alg?: string } = {}) {
    let jwt = new SignJWT({ scope: 'sales.read', client_id: 'test-client', ...claims })
      .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt();
    if (options.exp !== null) jwt = jwt.setExpirationTime(options.exp ?? '5m');
    return jwt.sign(options.key ?? signingKey);
  }

  const call = (authorization?: string) =>
    rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, ...(authorization !== undefined && { authorization }) },
      body: toolsCall,
    });

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    jwks = await startJwks([{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }]);
    service = await startHttpService({
      info: { name: 'auth-test', version: '1.0.0' },
      capabilities: { tools: [whoami] },
      config: testConfig(),
      logger: memoryLogger().logger,
      handleSignals: false,
      auth: { issuer: ISSUER, audience: AUDIENCE, jwksUrl: jwks.url, resource, requiredScopes: ['sales.read'], clockToleranceSeconds: 2 },
    });
  });
  afterAll(async () => {
    await service.close();
    jwks.server.close();
  });

  it('serves RFC 9728 metadata at the well-known root and the /mcp-suffixed path', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const res = await rawRequest(`${service.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(JSON.parse(res.body)).toEqual({
        resource,
        authorization_servers: [ISSUER],
        bearer_methods_supported: ['header'],
        scopes_supported: ['sales.read'],
      });
    }
  });

  it('answers a request without a token 401 with a bare challenge naming the metadata', async () => {
    const res = await call();
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer resource_metadata="https://sales.example.test/.well-known/oauth-protected-resource/mcp", scope="sales.read"',
    );
  });

  it('passes the verified claims to tools as ctx.authInfo', async () => {
    const res = await call(`Bearer ${await token({ store_id: 'store-7' })}`);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { result: { structuredContent: Record<string, unknown> } };
    expect(body.result.structuredContent).toMatchObject({ clientId: 'test-client', scopes: ['sales.read'], storeId: 'store-7' });
    expect(body.result.structuredContent['expiresAt']).toBeGreaterThan(Date.now() / 1000);
  });

  it.each([
    ['a bad signature', () => token({}, { key: otherKey })],
    [
      'the wrong audience',
      () =>
        new SignJWT({ scope: 'sales.read' })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer(ISSUER)
          .setAudience('api://other')
          .setExpirationTime('5m')
          .sign(signingKey),
    ],
    [
      'the wrong issuer',
      () =>
        new SignJWT({ scope: 'sales.read' })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer('https://evil.test')
          .setAudience(AUDIENCE)
          .setExpirationTime('5m')
          .sign(signingKey),
    ],
    ['an expired token', () => token({}, { exp: Math.floor(Date.now() / 1000) - 60 })],
    ['no expiry', () => token({}, { exp: null })],
    ['an HS256 token', () => token({}, { alg: 'HS256', key: new TextEncoder().encode('x'.repeat(32)) as never })],
    [
      'alg none',
      async () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, exp: 9999999999 })).toString('base64url')}.`,
    ],
    ['garbage', async () => 'not-a-jwt'],
  ])('refuses %s with 401 invalid_token', async (_label, make) => {
    const res = await call(`Bearer ${await make()}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer resource_metadata="[^"]+", error="invalid_token", error_description="[^"]+"/);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_token' });
  });

  it('refuses a non-Bearer Authorization header', async () => {
    const res = await call('Basic dXNlcjpwYXNz');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"');
  });

  it('answers 403 insufficient_scope when a required scope is missing', async () => {
    const res = await call(`Bearer ${await token({ scope: 'profile' })}`);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('caches the JWKS: many verified calls, one fetch', async () => {
    const before = jwks.hits();
    const bearer = `Bearer ${await token()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => call(bearer)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(jwks.hits() - before).toBeLessThanOrEqual(1);
  });

  it.each(['legacy', 'auto'] as const)('works for a real MCP client with a token provider (negotiation %s)', async (mode) => {
    const bearer = await token({ store_id: 'store-9' });
    const client = new Client({ name: 'auth-test', version: '1.0.0' }, { versionNegotiation: { mode } });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${service.url}/mcp`), { authProvider: { token: async () => bearer } }));
    try {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect(result.structuredContent).toMatchObject({ storeId: 'store-9' });
    } finally {
      await client.close();
    }
  });

  it('leaves /healthz open', async () => {
    expect((await rawRequest(`${service.url}/healthz`)).status).toBe(200);
  });
});

describe('bearer auth when the JWKS is unreachable', () => {
  it('answers 503 (retryable), not 401', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const service = await startHttpService({
      info: { name: 'auth-test', version: '1.0.0' },
      capabilities: { tools: [whoami] },
      config: testConfig(),
      logger: memoryLogger().logger,
      handleSignals: false,
      auth: { issuer: ISSUER, audience: AUDIENCE, jwksUrl: 'http://127.0.0.1:9/jwks', resource: 'http://127.0.0.1/mcp' },
    });
    try {
      const jwt = await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime('5m')
        .sign(privateKey);
      const res = await rawRequest(`${service.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${jwt}` }, body: toolsCall });
      expect(res.status).toBe(503);
    } finally {
      await service.close();
    }
  });
});

describe('without auth', () => {
  it('serves /mcp without a token and has no metadata route', async () => {
    const service = await startHttpService({
      info: { name: 'open', version: '1.0.0' },
      capabilities: { tools: [whoami] },
      config: testConfig(),
      logger: memoryLogger().logger,
      handleSignals: false,
    });
    try {
      expect((await rawRequest(`${service.url}/.well-known/oauth-protected-resource`)).status).toBe(404);
      const res = await rawRequest(`${service.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: toolsCall });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).result.structuredContent).toEqual({ clientId: '', scopes: [] });
    } finally {
      await service.close();
    }
  });
});

describe('auth configuration', () => {
  it('is off when AUTH_ISSUER is unset', () => {
    expect(authOptionsFromConfig(parseConfig(authConfigSchema, {}))).toBeUndefined();
  });

  it('names the variables that are missing once AUTH_ISSUER is set', () => {
    const error = (() => {
      try {
        authOptionsFromConfig(parseConfig(authConfigSchema, { AUTH_ISSUER: ISSUER }));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['AUTH_AUDIENCE', 'AUTH_JWKS_URL', 'AUTH_RESOURCE_URL']);
  });

  it('loadAuthOptions: an incomplete set ends the process with one stderr line naming the variables, exit 1', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as typeof process.exit);
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => loadAuthOptions(parseConfig(authConfigSchema, { AUTH_ISSUER: ISSUER }))).toThrow('exit 1');
      expect(write.mock.calls).toEqual([['Invalid configuration: AUTH_AUDIENCE, AUTH_JWKS_URL, AUTH_RESOURCE_URL required when AUTH_ISSUER is set\n']]);
    } finally {
      exit.mockRestore();
      write.mockRestore();
    }
  });

  it('builds complete options with defaults', () => {
    const options = authOptionsFromConfig(
      parseConfig(authConfigSchema, {
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: `${AUDIENCE}, https://sales.example.test/mcp`,
        AUTH_JWKS_URL: 'https://login.example.test/keys',
        AUTH_RESOURCE_URL: 'https://sales.example.test/mcp',
        AUTH_REQUIRED_SCOPES: 'sales.read',
      }),
    );
    expect(options).toMatchObject({
      issuer: ISSUER,
      audience: [AUDIENCE, 'https://sales.example.test/mcp'],
      authorizationServers: [ISSUER],
      requiredScopes: ['sales.read'],
      clockToleranceSeconds: 5,
    });
    expect(options?.algorithms).not.toContain('HS256');
  });

  it('keeps the issuer exactly as written (iss is compared character for character)', () => {
    const config = parseConfig(authConfigSchema, {
      AUTH_ISSUER: 'http://127.0.0.1:8080',
      AUTH_AUDIENCE: 'a',
      AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks',
      AUTH_RESOURCE_URL: 'http://127.0.0.1:3000/mcp',
    });
    expect(authOptionsFromConfig(config)).toMatchObject({ issuer: 'http://127.0.0.1:8080', authorizationServers: ['http://127.0.0.1:8080'] });
  });

  it('rejects a bad URL, naming the variable', () => {
    expect(() => parseConfig(authConfigSchema, { AUTH_JWKS_URL: 'not a url' })).toThrow(/AUTH_JWKS_URL must be an absolute URL/);
  });

  it('accepts plain-http JWKS only on loopback', () => {
    expect(() => assertSafeJwksUrl('http://login.example.test/keys')).toThrow(/must use https/);
    expect(assertSafeJwksUrl('http://127.0.0.1:8080/keys').href).toBe('http://127.0.0.1:8080/keys');
    expect(assertSafeJwksUrl('https://login.example.test/keys').protocol).toBe('https:');
  });
});
