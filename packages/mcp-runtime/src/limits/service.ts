import type { Logger } from 'pino';
import type { BaseConfig } from '../config.js';
import type { Database } from '../database/types.js';
import { createToolCallGate, type ToolCallGate } from './gate.js';
import { DEFAULT_TENANT_CLAIM } from './identity.js';
import { bucketStoreFor, createRateLimiter } from './limiter.js';

export type RateLimitConfig = Partial<Pick<BaseConfig, 'RATE_LIMITS' | 'RATE_LIMIT_TENANT_CLAIM'>>;

/** The gate for a service's RATE_LIMITS, or undefined when it sets none. */
export function toolCallGateFor(config: RateLimitConfig, database: Database | undefined, logger: Logger): ToolCallGate | undefined {
  if (config.RATE_LIMITS === undefined || Object.keys(config.RATE_LIMITS).length === 0) return undefined;
  const tenantClaim = config.RATE_LIMIT_TENANT_CLAIM ?? DEFAULT_TENANT_CLAIM;
  const store = bucketStoreFor(database, config.RATE_LIMITS, logger);
  logger.info({ rateLimits: config.RATE_LIMITS, shared: database?.kind === 'postgres', tenantClaim }, 'rate limits on');
  return createToolCallGate({ limiter: createRateLimiter(config.RATE_LIMITS, store, tenantClaim), logger, tenantClaim });
}
