import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { freePort } from './processes.js';

/** A stand-in authorization server for the auth variant: a JWKS on loopback and one valid token. */
export interface StandInIssuer {
  /** The env that turns the generated service's auth on against this issuer. */
  readonly env: Record<string, string>;
  /** A bearer token the service accepts (RS256, valid for a day). */
  readonly token: string;
  stop(): Promise<void>;
}

export async function startStandInIssuer(resource: string): Promise<StandInIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  const jwks = JSON.stringify({ keys: [jwk] });
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const server = createServer((req, res) => {
    if (req.url !== '/jwks') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const token = await new SignJWT({ scope: 'mcp' })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
    .setIssuer(issuer)
    .setAudience(resource)
    .setSubject('bench-client')
    .setIssuedAt()
    .setExpirationTime('1d')
    .sign(privateKey);
  return {
    env: { AUTH_ISSUER: issuer, AUTH_AUDIENCE: resource, AUTH_JWKS_URL: `${issuer}/jwks`, AUTH_RESOURCE_URL: resource },
    token,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
