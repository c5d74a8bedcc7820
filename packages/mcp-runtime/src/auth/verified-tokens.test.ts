import type { AuthInfo } from '@modelcontextprotocol/server';
import { generateKeyPair, SignJWT, type JWTVerifyGetKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier } from './jwt-verifier.js';
import { InvalidTokenError } from './types.js';
import { VerifiedTokenCache } from './verified-tokens.js';

const ISSUER = 'https://login.example.test/tenant';
const AUDIENCE = 'api://sales';
type Keys = Awaited<ReturnType<typeof generateKeyPair>>;

function info(token: string, expiresAt?: number): AuthInfo {
  return { token, clientId: 'c', scopes: ['a'], ...(expiresAt !== undefined && { expiresAt }), extra: { tenant: token } };
}

describe('VerifiedTokenCache', () => {
  it('reuses a verification until the token expires, never past exp', () => {
    let now = 1_000_000_000; // ms; exp is in seconds
    const cache = new VerifiedTokenCache({ now: () => now, maxAgeMs: 60_000 });
    cache.set('t', info('t', 1_000_010)); // exp 10 s from now
    now += 9_999;
    expect(cache.get('t')?.token).toBe('t');
    now += 1;
    expect(cache.get('t')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('reuses it at most maxAgeMs, however far away exp is', () => {
    let now = 0;
    const cache = new VerifiedTokenCache({ now: () => now, maxAgeMs: 60_000 });
    cache.set('t', info('t', 3_600));
    now = 59_999;
    expect(cache.get('t')).toBeDefined();
    now = 60_000;
    expect(cache.get('t')).toBeUndefined();
  });

  it('keeps nothing for a token already expired, and at most maxEntries, oldest out first', () => {
    const cache = new VerifiedTokenCache({ now: () => 5_000, maxEntries: 2 });
    cache.set('old', info('old', 4));
    expect(cache.get('old')).toBeUndefined();
    cache.set('a', info('a'));
    cache.set('b', info('b'));
    cache.set('c', info('c'));
    expect([cache.get('a'), cache.get('b')?.token, cache.get('c')?.token]).toEqual([undefined, 'b', 'c']);
  });

  it('hands out a frozen AuthInfo: a handler cannot change what the next request of that token sees', () => {
    const cache = new VerifiedTokenCache();
    const shared = cache.set('t', info('t'));
    expect(() => {
      (shared.extra as Record<string, unknown>)['tenant'] = 'someone-else';
    }).toThrow(TypeError);
    expect(() => shared.scopes.push('admin')).toThrow(TypeError);
    expect(cache.get('t')?.extra?.['tenant']).toBe('t');
  });
});

describe('the JWT verifier with its cache', () => {
  let keys: Keys;
  let forger: Keys;
  beforeAll(async () => {
    keys = await generateKeyPair('RS256');
    forger = await generateKeyPair('RS256');
  });

  function sign(tenant: string, key = keys.privateKey): Promise<string> {
    return new SignJWT({ tenant, client_id: 'c' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
  }

  /** A verifier whose key lookups are counted: one lookup per signature actually checked. */
  function counted() {
    let lookups = 0;
    const getKey: JWTVerifyGetKey = () => {
      lookups += 1;
      return keys.publicKey;
    };
    const verifier = createJwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: 'https://login.example.test/jwks', keys: getKey });
    return { verifier, lookups: () => lookups };
  }

  it('checks a repeated token once, and each distinct token on its own', async () => {
    const { verifier, lookups } = counted();
    const [a, b] = await Promise.all([sign('tenant-a'), sign('tenant-b')]);
    for (let i = 0; i < 5; i += 1) expect((await verifier.verify(a)).extra?.['tenant']).toBe('tenant-a');
    expect(lookups()).toBe(1);
    expect((await verifier.verify(b)).extra?.['tenant']).toBe('tenant-b');
    expect(lookups()).toBe(2);
  });

  it('never lets a forged token ride on a cached one: same claims, another key, refused every time', async () => {
    const { verifier, lookups } = counted();
    await verifier.verify(await sign('tenant-a'));
    const forged = await sign('tenant-a', forger.privateKey);
    await expect(verifier.verify(forged)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(verifier.verify(forged)).rejects.toBeInstanceOf(InvalidTokenError);
    expect(lookups()).toBe(3);
  });

  it('with cache: false, checks every request', async () => {
    let lookups = 0;
    const verifier = createJwtVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUrl: 'https://login.example.test/jwks',
      keys: () => {
        lookups += 1;
        return keys.publicKey;
      },
      cache: false,
    });
    const token = await sign('tenant-a');
    await verifier.verify(token);
    await verifier.verify(token);
    expect(lookups).toBe(2);
  });
});
