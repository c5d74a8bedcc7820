import { isInputRequiredResult, type AuthInfo, type CallToolResult, type InputRequiredResult, type ServerContext } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { traceToolCall } from '../tracing/spans.js';
import { REQUEST_ID_LOG_FIELD } from '../logger.js';
import type { ToolOutcome } from '../metrics.js';
import { identityOf } from './identity.js';

/** A call's outcome (`input_required`: one round of a multi-round-trip call), or refused by its rate limit. */
export type AuditOutcome = ToolOutcome | 'rate_limited';

export interface AuditEntry {
  readonly tool: string;
  readonly requestId: string;
  readonly authInfo: AuthInfo | undefined;
  readonly tenantClaim: string;
  readonly outcome: AuditOutcome;
  readonly durationMs: number;
}

/**
 * The audit line of one tool call: who, which tool, how it ended. Never the arguments. Every field is
 * set here, so callers pass an `ownFieldsLogger` (no redaction pass); inside a span the logger's mixin
 * adds `trace_id` and `span_id`, as on every other line.
 */
export function auditToolCall(logger: Logger, entry: AuditEntry): void {
  const { subject, tenant } = identityOf(entry.authInfo, entry.tenantClaim);
  logger.info(
    {
      audit: 'tool_call',
      tool: entry.tool,
      outcome: entry.outcome,
      subject: subject ?? null,
      tenant: tenant ?? null,
      durationMs: Math.round(entry.durationMs * 1000) / 1000,
      [REQUEST_ID_LOG_FIELD]: entry.requestId,
    },
    'tool call',
  );
}

type ToolCallResult = CallToolResult | InputRequiredResult;

/** How a tool call ended: the one rule the audit line, the span and the call metrics share. */
export const outcomeOf = (result: ToolCallResult): ToolOutcome =>
  isInputRequiredResult(result) ? 'input_required' : result.isError === true ? 'error' : 'success';

/** What watches every tool call: the audit log, the tenant claim it names, and the call metrics (when on). */
export interface ToolCallObservers {
  readonly audit: Logger;
  readonly tenantClaim: string;
  readonly record?: (outcome: ToolOutcome, seconds: number) => void;
}

/**
 * Runs one tool call inside its span, then records it once: one clock and one outcome serve the call
 * metrics, the audit line and the span's status.
 */
export async function observeToolCall(
  observers: ToolCallObservers,
  call: { tool: string; requestId: string; sdk: ServerContext },
  run: () => Promise<ToolCallResult>,
): Promise<ToolCallResult> {
  const started = performance.now();
  let outcome: ToolOutcome = 'success';
  return traceToolCall(
    { tool: call.tool, requestId: call.sdk.mcpReq.id, meta: call.sdk.mcpReq._meta },
    () => outcome === 'error',
    async () => {
      const result = await run();
      outcome = outcomeOf(result);
      const durationMs = performance.now() - started;
      observers.record?.(outcome, durationMs / 1000);
      auditToolCall(observers.audit, {
        tool: call.tool,
        requestId: call.requestId,
        authInfo: call.sdk.http?.authInfo,
        tenantClaim: observers.tenantClaim,
        outcome,
        durationMs,
      });
      return result;
    },
  );
}
