import type { CallToolResult, InputRequiredResult, ToolAnnotations } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { RequestFeatures } from './request-context.js';

/** A failure to report to the caller as a tool error (`isError: true`) with exactly this message. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}

/** Progress, client logs, events and input-required state: see RequestFeatures. */
export interface ToolContext extends RequestFeatures {
  /** A child logger carrying the request id (`reqId`, as on the access line) and `tool`. */
  readonly logger: Logger;
}

type ToolOutput<O extends z.ZodObject | undefined> = O extends z.ZodObject ? z.input<O> : Record<string, unknown>;
/** An input-required result (`inputRequired(...)`) asks the client for input and calls the tool again. */
type ToolReturn<O extends z.ZodObject | undefined> = ToolOutput<O> | CallToolResult | InputRequiredResult;

export interface ToolConfig<I extends z.ZodObject, O extends z.ZodObject | undefined> {
  name: string;
  title?: string;
  description: string;
  inputSchema: I;
  outputSchema?: O;
  annotations?: ToolAnnotations;
  /**
   * Set when the handler sends progress or log notifications during the call. Over HTTP, calls to
   * streaming tools are answered over SSE; others get a single JSON body (faster).
   */
  streaming?: boolean;
  /**
   * Set when the handler may return `inputRequired(...)`. 2025-era clients are then asked by the
   * server mid-call (over SSE); 2026-07-28 clients answer and call again.
   */
  inputRequired?: boolean;
  handler: (args: z.output<I>, ctx: ToolContext) => Promise<ToolReturn<O>> | ToolReturn<O>;
}

export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject | undefined = z.ZodObject | undefined> {
  readonly kind: 'tool';
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  readonly inputSchema: I;
  readonly outputSchema?: O;
  readonly annotations?: ToolAnnotations;
  readonly streaming: boolean;
  readonly inputRequired: boolean;
  // Method syntax on purpose: it keeps specific definitions assignable to ToolDefinition[].
  handler(args: z.output<I>, ctx: ToolContext): Promise<ToolReturn<O>> | ToolReturn<O>;
}

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/** Declares a tool. The returned definition is frozen and validated once, at start-up. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject | undefined = undefined>(config: ToolConfig<I, O>): ToolDefinition<I, O> {
  if (!TOOL_NAME.test(config.name)) {
    throw new TypeError(`Invalid tool name "${config.name}": use 1-128 characters of A-Z a-z 0-9 _ - .`);
  }
  return Object.freeze({
    kind: 'tool' as const,
    name: config.name,
    ...(config.title !== undefined && { title: config.title }),
    description: config.description,
    inputSchema: config.inputSchema,
    ...(config.outputSchema !== undefined && { outputSchema: config.outputSchema }),
    ...(config.annotations !== undefined && { annotations: Object.freeze({ ...config.annotations }) }),
    // The 2025-era stand-in for input-required results sends requests mid-call, which needs SSE.
    streaming: (config.streaming ?? false) || (config.inputRequired ?? false),
    inputRequired: config.inputRequired ?? false,
    handler: config.handler,
  });
}
