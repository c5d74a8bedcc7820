import type { AuthInfo } from '@modelcontextprotocol/server';

export interface VerifiedTokenCacheOptions {
  /** Entries kept at most; the oldest goes first. Default 10,000. */
  maxEntries?: number;
  /**
   * How long a verification is reused. Default 60 s: well inside the JWKS cache's own staleness, so
   * a signing key the issuer withdraws stops being honoured no later than it would without this cache.
   */
  maxAgeMs?: number;
  now?: () => number;
}

interface Entry {
  readonly authInfo: AuthInfo;
  readonly until: number;
}

/**
 * Verified JWTs by their exact text. A client sends the same token on every request until it expires,
 * and an RS256 signature check costs more than the rest of a small tool call; a JWT's verdict only
 * changes when it expires, so the verdict is reused until then (or maxAgeMs). Refusals are never kept:
 * a bad token is checked again each time. The AuthInfo is frozen because requests share it.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: VerifiedTokenCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  get(token: string): AuthInfo | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (this.now() < entry.until) return entry.authInfo;
    this.entries.delete(token);
    return undefined;
  }

  /** Keeps a verification until the token's `exp` (no clock tolerance) or maxAgeMs, whichever is first. */
  set(token: string, authInfo: AuthInfo): AuthInfo {
    const frozen = freezeAuthInfo(authInfo);
    const now = this.now();
    const expires = authInfo.expiresAt === undefined ? Number.POSITIVE_INFINITY : authInfo.expiresAt * 1000;
    const until = Math.min(now + this.maxAgeMs, expires);
    if (until <= now) return frozen;
    if (!this.entries.has(token) && this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { authInfo: frozen, until });
    return frozen;
  }

  get size(): number {
    return this.entries.size;
  }
}

function freezeAuthInfo(authInfo: AuthInfo): AuthInfo {
  if (authInfo.extra !== undefined) Object.freeze(authInfo.extra);
  Object.freeze(authInfo.scopes);
  return Object.freeze(authInfo);
}
