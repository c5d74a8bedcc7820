import { z } from 'zod';
import { ConfigError, envInt, envList, exitOnConfigError } from '../config.js';
import { DEFAULT_ALGORITHMS, type AuthOptions } from './types.js';

const optionalUrl = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw.trim() === '') return undefined;
    try {
      new URL(raw.trim());
      // Kept as written: `iss` is compared character for character, so no normalising slash.
      return raw.trim();
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute URL' });
      return z.NEVER;
    }
  });

const optionalString = z
  .string()
  .optional()
  .transform((raw) => (raw === undefined || raw.trim() === '' ? undefined : raw.trim()));

/**
 * OAuth 2.1 resource-server settings. Auth is on when AUTH_ISSUER is set; then AUTH_AUDIENCE,
 * AUTH_JWKS_URL and AUTH_RESOURCE_URL are required too (checked by authOptionsFromConfig).
 * Extend a service's schema with it: `baseConfigSchema.extend(authConfigSchema.shape)`.
 */
export const authConfigSchema = z.object({
  /** The authorization server's issuer identifier: the token's `iss` must equal it. */
  AUTH_ISSUER: optionalUrl,
  /** Accepted `aud` values (comma-separated); usually this server's resource URL or client id. */
  AUTH_AUDIENCE: envList([]),
  AUTH_JWKS_URL: optionalUrl,
  /** The canonical URL of this MCP endpoint (RFC 8707/9728 resource), e.g. https://sales.example.com/mcp. */
  AUTH_RESOURCE_URL: optionalUrl,
  /** Authorization servers advertised in the protected-resource metadata; default: AUTH_ISSUER. */
  AUTH_AUTHORIZATION_SERVERS: envList([]),
  AUTH_REQUIRED_SCOPES: envList([]),
  AUTH_ALGORITHMS: envList(DEFAULT_ALGORITHMS),
  AUTH_CLOCK_TOLERANCE_SECONDS: envInt({ min: 0, max: 300, default: 5 }),
  AUTH_RESOURCE_NAME: optionalString,
});

export type AuthConfig = z.output<typeof authConfigSchema>;

/**
 * The `auth` option of startHttpService from validated config: undefined when AUTH_ISSUER is
 * unset (auth off), otherwise complete or a ConfigError naming what is missing.
 */
export function authOptionsFromConfig(config: AuthConfig): AuthOptions | undefined {
  if (config.AUTH_ISSUER === undefined) return undefined;
  const missing = [
    config.AUTH_AUDIENCE.length === 0 ? 'AUTH_AUDIENCE' : undefined,
    config.AUTH_JWKS_URL === undefined ? 'AUTH_JWKS_URL' : undefined,
    config.AUTH_RESOURCE_URL === undefined ? 'AUTH_RESOURCE_URL' : undefined,
  ].filter((name): name is string => name !== undefined);
  if (missing.length > 0) {
    throw new ConfigError(`Invalid configuration: ${missing.join(', ')} required when AUTH_ISSUER is set`, missing);
  }
  return {
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    jwksUrl: config.AUTH_JWKS_URL!,
    resource: config.AUTH_RESOURCE_URL!,
    authorizationServers: config.AUTH_AUTHORIZATION_SERVERS.length > 0 ? config.AUTH_AUTHORIZATION_SERVERS : [config.AUTH_ISSUER],
    requiredScopes: config.AUTH_REQUIRED_SCOPES,
    algorithms: config.AUTH_ALGORITHMS,
    clockToleranceSeconds: config.AUTH_CLOCK_TOLERANCE_SECONDS,
    ...(config.AUTH_RESOURCE_NAME !== undefined && { resourceName: config.AUTH_RESOURCE_NAME }),
  };
}

/** authOptionsFromConfig for a service's main: an incomplete AUTH_* set stops the process with one line, as loadConfig does. */
export function loadAuthOptions(config: AuthConfig): AuthOptions | undefined {
  return exitOnConfigError(() => authOptionsFromConfig(config));
}
