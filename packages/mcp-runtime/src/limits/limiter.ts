import type { AuthInfo } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import type { Database } from '../database/types.js';
import type { BucketStore, TakeResult } from './buckets.js';
import { createMemoryBucketStore, createPostgresBucketStore } from './buckets.js';
import { identityOf } from './identity.js';
import { ruleFor, type RateLimits } from './rules.js';

/** The JSON-RPC error code of a refused call (implementation-defined server error range). */
export const RATE_LIMITED_CODE = -32029;

export interface RateLimiter {
  /** Charges one call of `tool` to the verified caller; `allowed: true` when the tool has no rule. */
  check(tool: string, authInfo: AuthInfo | undefined): Promise<TakeResult>;
}

const UNLIMITED: TakeResult = Object.freeze({ allowed: true, retryAfterMs: 0 });

export function createRateLimiter(limits: RateLimits, store: BucketStore, tenantClaim: string): RateLimiter {
  return {
    async check(tool, authInfo) {
      const rule = ruleFor(limits, tool);
      if (rule === undefined) return UNLIMITED;
      return store.take(identityOf(authInfo, tenantClaim).key, tool, rule);
    },
  };
}

/** Shared through PostgreSQL when the service has one (pruned by `limits`); in this process's memory otherwise (PGlite, none). */
export function bucketStoreFor(database: Database | undefined, limits: RateLimits, logger?: Logger): BucketStore {
  return database?.kind === 'postgres' ? createPostgresBucketStore(database, { limits, ...(logger && { logger }) }) : createMemoryBucketStore();
}

/** The JSON-RPC error for a refused call: the retry hint in `data` as well as the HTTP Retry-After. */
export function rateLimitedError(id: unknown, tool: string, retryAfterMs: number) {
  return {
    jsonrpc: '2.0' as const,
    id: id ?? null,
    error: {
      code: RATE_LIMITED_CODE,
      message: `Rate limit exceeded for tool ${tool}: retry after ${Math.ceil(retryAfterMs / 1000)} s`,
      data: { reason: 'rate_limited', tool, retryAfterMs },
    },
  };
}
