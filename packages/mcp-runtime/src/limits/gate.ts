import type { AuthInfo } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { ownFieldsLogger } from '../logger.js';
import { auditToolCall } from './audit.js';
import { rateLimitedError, type RateLimiter } from './limiter.js';

export interface Refusal {
  readonly retryAfterMs: number;
  /** The JSON-RPC error response (an array for a batch), to send with HTTP 429. */
  readonly body: unknown;
}

/** Admits or refuses the tool calls of one HTTP request body, before it reaches the SDK. */
export interface ToolCallGate {
  admit(body: unknown, authInfo: AuthInfo | undefined, requestId: string): Promise<Refusal | undefined>;
}

interface ToolCallMessage {
  readonly id: unknown;
  readonly name: string;
}

function toolCallOf(message: unknown): ToolCallMessage | undefined {
  if (message === null || typeof message !== 'object') return undefined;
  const { method, params, id } = message as { method?: unknown; params?: { name?: unknown }; id?: unknown };
  if (method !== 'tools/call' || typeof params?.name !== 'string') return undefined;
  return { id, name: params.name };
}

export function createToolCallGate(options: { limiter: RateLimiter; logger: Logger; tenantClaim: string }): ToolCallGate {
  const { limiter, logger, tenantClaim } = options;
  const auditLog = ownFieldsLogger(logger);
  return {
    async admit(body, authInfo, requestId) {
      const messages = Array.isArray(body) ? body : [body];
      const calls = messages.map(toolCallOf).filter((call): call is ToolCallMessage => call !== undefined);
      if (calls.length === 0) return undefined;
      const started = performance.now();
      let refused: { call: ToolCallMessage; retryAfterMs: number } | undefined;
      for (const call of calls) {
        let taken;
        try {
          taken = await limiter.check(call.name, authInfo);
        } catch (error) {
          // The limit protects capacity; it is not an access check, so a store outage lets calls through.
          logger.warn({ err: error, tool: call.name }, 'rate limit store unavailable: call admitted unchecked');
          continue;
        }
        if (!taken.allowed) {
          refused = { call, retryAfterMs: taken.retryAfterMs };
          break;
        }
      }
      if (refused === undefined) return undefined;
      const { call, retryAfterMs } = refused;
      auditToolCall(auditLog, { tool: call.name, requestId, authInfo, tenantClaim, outcome: 'rate_limited', durationMs: performance.now() - started });
      const errors = calls.map((c) => rateLimitedError(c.id, c.name, retryAfterMs));
      return { retryAfterMs, body: Array.isArray(body) ? errors : errors[0] };
    },
  };
}
