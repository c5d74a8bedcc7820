export { authConfigSchema, authOptionsFromConfig, loadAuthOptions, type AuthConfig } from './config.js';
export { createBearerAuth, protectedResourceMetadataUrl, type AuthOutcome, type BearerAuth, type ProtectedResourceMetadata } from './bearer.js';
export { assertSafeJwksUrl, createJwtVerifier, type JwtVerifierOptions } from './jwt-verifier.js';
export { DEFAULT_ALGORITHMS, InvalidTokenError, VerifierUnavailableError, type AuthOptions, type TokenVerifier } from './types.js';
