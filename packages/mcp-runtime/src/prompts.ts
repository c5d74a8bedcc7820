import { isInputRequiredResult, type GetPromptResult, type InputRequiredResult, type PromptMessage } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { RequestFeatures } from './request-context.js';

/**
 * What `render` may return: a user message text, a list of messages, a full GetPromptResult, or an
 * input-required result (`inputRequired(...)`) that asks the client for input first.
 */
export type PromptRenderValue = string | PromptMessage[] | GetPromptResult | InputRequiredResult;

/** Progress, client logs, events and input-required state, as for tools. */
export type PromptContext = RequestFeatures;

type PromptArgs<A extends z.ZodObject | undefined> = A extends z.ZodObject ? z.output<A> : Record<string, never>;

export interface PromptConfig<A extends z.ZodObject | undefined> {
  name: string;
  title?: string;
  description?: string;
  /** Prompt arguments are strings on the wire: use z.string() fields (optional ones allowed). */
  argsSchema?: A;
  render: (args: PromptArgs<A>, ctx: PromptContext) => Promise<PromptRenderValue> | PromptRenderValue;
}

export interface PromptDefinition<A extends z.ZodObject | undefined = z.ZodObject | undefined> {
  readonly kind: 'prompt';
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly argsSchema?: A;
  // Method syntax keeps specific definitions assignable to PromptDefinition[].
  render(args: PromptArgs<A>, ctx: PromptContext): Promise<PromptRenderValue> | PromptRenderValue;
}

export function definePrompt<A extends z.ZodObject | undefined = undefined>(config: PromptConfig<A>): PromptDefinition<A> {
  return Object.freeze({ kind: 'prompt' as const, ...config });
}

/** Turns what `render` returned into a GetPromptResult. */
export function toGetPromptResult(value: PromptRenderValue, description: string | undefined): GetPromptResult | InputRequiredResult {
  if (isInputRequiredResult(value)) return value;
  if (typeof value === 'string') {
    return {
      ...(description !== undefined && { description }),
      messages: [{ role: 'user', content: { type: 'text', text: value } }],
    };
  }
  if (Array.isArray(value)) return { ...(description !== undefined && { description }), messages: value };
  return value;
}
