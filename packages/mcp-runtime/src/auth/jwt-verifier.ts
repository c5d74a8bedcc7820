import type { AuthInfo } from '@modelcontextprotocol/server';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { DEFAULT_ALGORITHMS, InvalidTokenError, VerifierUnavailableError, type TokenVerifier } from './types.js';
import { VerifiedTokenCache, type VerifiedTokenCacheOptions } from './verified-tokens.js';

export interface JwtVerifierOptions {
  issuer: string;
  audience: string | readonly string[];
  jwksUrl: string;
  /** The resource this server is; stamped on AuthInfo.resource. */
  resource?: string;
  algorithms?: readonly string[];
  clockToleranceSeconds?: number;
  /** Key resolver override (a local JWKS in tests); default: the remote JWKS, cached by jose. */
  keys?: JWTVerifyGetKey;
  /** Reuse of verifications of the same token (see VerifiedTokenCache); `false` checks every request. */
  cache?: VerifiedTokenCacheOptions | false;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The JWKS decides who may sign tokens: plain http only on loopback. */
export function assertSafeJwksUrl(jwksUrl: string): URL {
  const url = new URL(jwksUrl);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url;
  throw new TypeError(`JWKS URL ${url.href} must use https (plain http is accepted only on loopback)`);
}

// Errors that say "this token is bad"; anything else (network, timeout, a broken JWKS) is ours.
const TOKEN_ERRORS = [
  errors.JWTExpired,
  errors.JWTClaimValidationFailed,
  errors.JWTInvalid,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
];

function scopesOf(payload: JWTPayload): string[] {
  // `scope` (RFC 9068, space-separated) or `scp` (Microsoft Entra ID: string or array).
  const raw = payload['scope'] ?? payload['scp'];
  if (typeof raw === 'string') return raw.split(' ').filter(Boolean);
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return [];
}

function clientIdOf(payload: JWTPayload): string {
  for (const claim of ['client_id', 'azp', 'appid', 'sub']) {
    const value = payload[claim];
    if (typeof value === 'string' && value !== '') return value;
  }
  return '';
}

/** Verifies bearer JWTs: signature against the issuer's JWKS, then iss, aud, exp (required), nbf, alg. */
export function createJwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  const keys = options.keys ?? createRemoteJWKSet(assertSafeJwksUrl(options.jwksUrl), { timeoutDuration: 5_000 });
  const audience = typeof options.audience === 'string' ? options.audience : [...options.audience];
  const verifyOptions = {
    issuer: options.issuer,
    audience,
    algorithms: [...(options.algorithms ?? DEFAULT_ALGORITHMS)],
    clockTolerance: options.clockToleranceSeconds ?? 5,
    requiredClaims: ['exp'],
  };
  const resource = options.resource === undefined ? undefined : new URL(options.resource);
  const cache = options.cache === false ? undefined : new VerifiedTokenCache(options.cache);

  return {
    async verify(token: string): Promise<AuthInfo> {
      const cached = cache?.get(token);
      if (cached !== undefined) return cached;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, verifyOptions));
      } catch (error) {
        if (TOKEN_ERRORS.some((type) => error instanceof type)) throw new InvalidTokenError(describe(error as Error));
        throw new VerifierUnavailableError(`token verification unavailable: ${(error as Error).message}`, { cause: error });
      }
      const authInfo: AuthInfo = {
        token,
        clientId: clientIdOf(payload),
        scopes: scopesOf(payload),
        expiresAt: payload.exp!,
        ...(resource !== undefined && { resource }),
        extra: { ...payload },
      };
      return cache === undefined ? authInfo : cache.set(token, authInfo);
    },
  };
}

function describe(error: Error): string {
  if (error instanceof errors.JWTExpired) return 'The access token expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `The access token's "${error.claim}" claim is not accepted`;
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return 'The access token signature is not valid';
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The access token algorithm is not accepted';
  return 'The access token is malformed';
}
