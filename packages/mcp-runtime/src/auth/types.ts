import type { AuthInfo } from '@modelcontextprotocol/server';

/** Asymmetric JWS algorithms only: no `none`, no shared-secret HS*. */
export const DEFAULT_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];

/** OAuth 2.1 resource-server settings for startHttpService: bearer JWTs checked against a JWKS. */
export interface AuthOptions {
  /** The token's `iss` must equal this. */
  issuer: string;
  /** The token's `aud` must contain one of these. */
  audience: string | readonly string[];
  /** Where the issuer publishes its signing keys (https, or http on loopback only). */
  jwksUrl: string;
  /** The canonical URL of this MCP endpoint, e.g. https://sales.example.com/mcp (RFC 9728 `resource`). */
  resource: string;
  /** Advertised in the protected-resource metadata. Default: [issuer]. */
  authorizationServers?: readonly string[];
  /** Every token must carry all of these scopes, else 403 insufficient_scope. */
  requiredScopes?: readonly string[];
  /** Accepted JWS algorithms. Default: DEFAULT_ALGORITHMS. */
  algorithms?: readonly string[];
  /** Leeway for exp/nbf/iat. Default 5 s. */
  clockToleranceSeconds?: number;
  /** `scopes_supported` in the metadata. Default: requiredScopes. */
  scopesSupported?: readonly string[];
  /** `resource_name` in the metadata. */
  resourceName?: string;
  /** Replaces the JWKS verifier (token introspection, tests). */
  verifier?: TokenVerifier;
}

/** Verifies an access token; throws InvalidTokenError when it must be refused. */
export interface TokenVerifier {
  verify(token: string): Promise<AuthInfo>;
}

/** The token is missing, malformed, forged, expired or not for this resource: 401 invalid_token. */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

/** Verification could not be done (the JWKS is unreachable): 503, the client may retry. */
export class VerifierUnavailableError extends Error {
  override readonly name = 'VerifierUnavailableError';
}
