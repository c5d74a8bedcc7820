import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { freePort } from './ports.js';

/** A stand-in authorization server: a JWKS on loopback, and RS256 access tokens it signs for one resource. */
export interface StandInIssuer {
  /** The env that turns a generated service's bearer auth on against this issuer. */
  readonly env: Record<string, string>;
  /** A bearer token the service accepts (subject `bench-client`, valid for a day). */
  readonly token: string;
  /** Another valid token with these claims on top (e.g. `{ sub, tenant }`). */
  sign(claims: JWTPayload): Promise<string>;
  stop(): Promise<void>;
}

export async function startStandInIssuer(resource: string): Promise<StandInIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'stand-in', alg: 'RS256', use: 'sig' };
  const jwks = JSON.stringify({ keys: [jwk] });
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const server = createServer((req, res) => {
    if (req.url !== '/jwks') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const sign = (claims: JWTPayload) =>
    new SignJWT({ scope: 'mcp', sub: 'bench-client', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'stand-in' })
      .setIssuer(issuer)
      .setAudience(resource)
      .setIssuedAt()
      .setExpirationTime('1d')
      .sign(privateKey);
  return {
    env: { AUTH_ISSUER: issuer, AUTH_AUDIENCE: resource, AUTH_JWKS_URL: `${issuer}/jwks`, AUTH_RESOURCE_URL: resource },
    token: await sign({}),
    sign,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
