import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

/** The audience and head-office role the retail e2e tests configure their services with. */
export const RETAIL_AUDIENCE = 'api://sales';
export const HEAD_OFFICE_ROLE = 'retail.head_office';

export interface Issuer {
  readonly url: string;
  sign(claims: Record<string, unknown>, options?: { audience?: string; expiresIn?: string | number; forged?: boolean }): Promise<string>;
  close(): void;
}

/** A token issuer: an RSA key made here, its JWKS served on loopback, and a second key nobody trusts. */
export async function startIssuer(audience = RETAIL_AUDIENCE): Promise<Issuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const forger = (await generateKeyPair('RS256')).privateKey;
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'e2e', alg: 'RS256', use: 'sig' }] };
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sign: (claims, options = {}) =>
      new SignJWT({ client_id: 'e2e-agent', scope: 'sales.read', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'e2e' })
        .setIssuer(url)
        .setAudience(options.audience ?? audience)
        .setSubject('e2e-user')
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '10m')
        .sign(options.forged ? forger : privateKey),
    close: () => server.close(),
  };
}

/** The environment a built retail service needs to verify the issuer's tokens on `port`. */
export function retailAuthEnv(issuer: Issuer, port: number): Record<string, string> {
  return {
    AUTH_ISSUER: issuer.url,
    AUTH_AUDIENCE: RETAIL_AUDIENCE,
    AUTH_JWKS_URL: `${issuer.url}/jwks`,
    AUTH_RESOURCE_URL: `http://127.0.0.1:${port}/mcp`,
    AUTH_REQUIRED_SCOPES: 'sales.read',
  };
}

/** An MCP client over Streamable HTTP with a bearer token. */
export async function connectWithToken(baseUrl: string, token: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'retail-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), { authProvider: { token: async () => token }, requestInit: { headers } }));
  return client;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN) * 10) / 10;
}
