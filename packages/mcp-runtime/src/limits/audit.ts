import { isInputRequiredResult, type AuthInfo, type CallToolResult, type InputRequiredResult, type ServerContext } from '@modelcontextprotocol/server';
import { context, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { traceToolCall, tracingActive } from '../tracing/spans.js';
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
 * set here, so callers pass an `ownFieldsLogger` (no redaction pass).
 */
export function auditToolCall(logger: Logger, entry: AuditEntry): void {
  const { subject, tenant } = identityOf(entry.authInfo, entry.tenantClaim);
  const traceId = tracingActive() ? trace.getSpanContext(context.active())?.traceId : undefined;
  logger.info(
    {
      audit: 'tool_call',
      tool: entry.tool,
      outcome: entry.outcome,
      subject: subject ?? null,
      tenant: tenant ?? null,
      durationMs: Math.round(entry.durationMs * 1000) / 1000,
      [REQUEST_ID_LOG_FIELD]: entry.requestId,
      ...(traceId !== undefined && { traceId }),
    },
    'tool call',
  );
}

type ToolCallResult = CallToolResult | InputRequiredResult;

/** How a tool call ended: the one rule the audit line, the span and the call metrics share. */
export const outcomeOf = (result: ToolCallResult): ToolOutcome =>
  isInputRequiredResult(result) ? 'input_required' : result.isError === true ? 'error' : 'success';

/** Runs one tool call inside its span and writes its audit line. */
export async function observeToolCall(
  logger: Logger,
  call: { tool: string; requestId: string; sdk: ServerContext; tenantClaim: string },
  run: () => Promise<ToolCallResult>,
): Promise<ToolCallResult> {
  const started = performance.now();
  const meta = call.sdk.mcpReq._meta;
  return traceToolCall(
    { tool: call.tool, requestId: call.sdk.mcpReq.id, meta },
    (result) => outcomeOf(result) === 'error',
    async () => {
      const result = await run();
      auditToolCall(logger, {
        tool: call.tool,
        requestId: call.requestId,
        authInfo: call.sdk.http?.authInfo,
        tenantClaim: call.tenantClaim,
        outcome: outcomeOf(result),
        durationMs: performance.now() - started,
      });
      return result;
    },
  );
}
