import type { AuthInfo } from '@modelcontextprotocol/server';
import { createJwtVerifier } from './jwt-verifier.js';
import { InvalidTokenError, VerifierUnavailableError, type AuthOptions, type TokenVerifier } from './types.js';

export type AuthOutcome =
  | { readonly ok: true; readonly authInfo: AuthInfo }
  | {
      readonly ok: false;
      readonly status: 401 | 403 | 503;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: Readonly<Record<string, string>>;
    };

/** RFC 9728 protected-resource metadata. */
export interface ProtectedResourceMetadata {
  readonly resource: string;
  readonly authorization_servers: readonly string[];
  readonly bearer_methods_supported: readonly string[];
  readonly scopes_supported?: readonly string[];
  readonly resource_name?: string;
}

export interface BearerAuth {
  /** Paths that serve the metadata: the well-known root and the one suffixed with the resource path. */
  readonly metadataPaths: ReadonlySet<string>;
  /** Advertised in every WWW-Authenticate challenge. */
  readonly metadataUrl: string;
  readonly metadata: ProtectedResourceMetadata;
  authenticate(authorization: string | undefined): Promise<AuthOutcome>;
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource';
// RFC 6750 b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The metadata URL for a resource: the well-known prefix inserted before its path (RFC 9728 §3.1). */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}${WELL_KNOWN}${path}`;
}

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '')}"`;
}

/**
 * The bearer-token gate of startHttpService: verifies the token, checks scopes, and builds the
 * RFC 6750 challenge for refusals (401 without or with a bad token, 403 for missing scopes).
 */
export function createBearerAuth(options: AuthOptions): BearerAuth {
  const verifier: TokenVerifier =
    options.verifier ??
    createJwtVerifier({
      issuer: options.issuer,
      audience: options.audience,
      jwksUrl: options.jwksUrl,
      resource: options.resource,
      ...(options.algorithms !== undefined && { algorithms: options.algorithms }),
      ...(options.clockToleranceSeconds !== undefined && { clockToleranceSeconds: options.clockToleranceSeconds }),
    });
  const requiredScopes = [...(options.requiredScopes ?? [])];
  const metadataUrl = protectedResourceMetadataUrl(options.resource);
  const scopesSupported = options.scopesSupported ?? requiredScopes;
  const metadata: ProtectedResourceMetadata = Object.freeze({
    resource: options.resource,
    authorization_servers: [...(options.authorizationServers ?? [options.issuer])],
    bearer_methods_supported: ['header'],
    ...(scopesSupported.length > 0 && { scopes_supported: [...scopesSupported] }),
    ...(options.resourceName !== undefined && { resource_name: options.resourceName }),
  });
  const scopeParam = requiredScopes.length > 0 ? `, scope=${quoted(requiredScopes.join(' '))}` : '';
  const challenge = (error?: string, description?: string): Record<string, string> => ({
    'www-authenticate':
      `Bearer resource_metadata=${quoted(metadataUrl)}` +
      (error === undefined ? '' : `, error=${quoted(error)}`) +
      (description === undefined ? '' : `, error_description=${quoted(description)}`) +
      scopeParam,
  });

  async function authenticate(authorization: string | undefined): Promise<AuthOutcome> {
    // No credentials: a bare challenge, without an error code (RFC 6750 §3.1).
    if (authorization === undefined || authorization.trim() === '') {
      return { ok: false, status: 401, headers: challenge(), body: { error: 'unauthorized', error_description: 'Bearer token required' } };
    }
    const match = BEARER.exec(authorization);
    if (match === null) {
      const description = 'The Authorization header must be "Bearer <token>"';
      return { ok: false, status: 401, headers: challenge('invalid_request', description), body: { error: 'invalid_request', error_description: description } };
    }
    let authInfo: AuthInfo;
    try {
      authInfo = await verifier.verify(match[1]!);
    } catch (error) {
      if (error instanceof VerifierUnavailableError || !(error instanceof InvalidTokenError)) {
        return {
          ok: false,
          status: 503,
          headers: { 'retry-after': '5' },
          body: { error: 'temporarily_unavailable', error_description: 'Token verification is unavailable' },
        };
      }
      return { ok: false, status: 401, headers: challenge('invalid_token', error.message), body: { error: 'invalid_token', error_description: error.message } };
    }
    const missing = requiredScopes.filter((scope) => !authInfo.scopes.includes(scope));
    if (missing.length > 0) {
      const description = `Missing scope: ${missing.join(' ')}`;
      return {
        ok: false,
        status: 403,
        headers: challenge('insufficient_scope', description),
        body: { error: 'insufficient_scope', error_description: description },
      };
    }
    return { ok: true, authInfo: { ...authInfo, resourceMetadataUrl: metadataUrl } };
  }

  const resourcePath = new URL(metadataUrl).pathname;
  return { metadataPaths: new Set([WELL_KNOWN, resourcePath]), metadataUrl, metadata, authenticate };
}
