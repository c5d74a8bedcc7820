import { defineTool, inputRequired, type RequestFeatures } from '@slipway/mcp-runtime';
import { z } from 'zod';

const NO_ARGS = z.object({});

/** One-field forms; the client's answer comes back under the same key in the next round. */
const askText = (message: string, field: string) =>
  inputRequired.elicit({ message, requestedSchema: { type: 'object', properties: { [field]: { type: 'string' } }, required: [field] } });
const askConfirm = () =>
  inputRequired.elicit({ message: 'Please confirm', requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } });
const askModel = (text: string, maxTokens: number) =>
  inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text } }], maxTokens });

/** The text field of an accepted form answer. */
function answered(ctx: RequestFeatures, key: string, field: string): string | undefined {
  const answer = ctx.input(key);
  if (answer.kind !== 'elicit' || answer.action !== 'accept') return undefined;
  const value = answer.content?.[field];
  return value === undefined ? undefined : String(value);
}

function sampledText(ctx: RequestFeatures, key: string): string | undefined {
  const answer = ctx.input(key);
  if (answer.kind !== 'sampling') return undefined;
  const content = answer.result.content;
  return !Array.isArray(content) && content.type === 'text' ? content.text : undefined;
}

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });

/** SEP-2322 multi-round-trip fixtures: each is an ordinary tool that returns `inputRequired(...)` until it has its answers. */
export const inputRequiredTools = [
  defineTool({
    name: 'test_missing_capability',
    description: 'Test tool requiring sampling',
    inputSchema: NO_ARGS,
    inputRequired: true,
    // Asks the client's model; a client that did not declare sampling gets -32021 from the SDK, not a call.
    handler: (_args, ctx) => {
      if (ctx.input('probe').kind !== 'sampling') return inputRequired({ inputRequests: { probe: askModel('Say OK', 5) } });
      return text('Success');
    },
  }),
  defineTool({
    name: 'test_input_required_result_elicitation',
    description: 'MRTR: returns InputRequiredResult with elicitation request',
    inputSchema: NO_ARGS,
    inputRequired: true,
    handler: (_args, ctx) => {
      const name = answered(ctx, 'user_name', 'name');
      if (name === undefined) return inputRequired({ inputRequests: { user_name: askText('What is your name?', 'name') } });
      return text(`Hello, ${name}!`);
    },
  }),
  defineTool({
    name: 'test_input_required_result_sampling',
    description: 'MRTR: returns InputRequiredResult with sampling request',
    inputSchema: NO_ARGS,
    inputRequired: true,
    handler: (_args, ctx) => {
      if (ctx.input('sample_request').kind !== 'sampling') {
        return inputRequired({ inputRequests: { sample_request: askModel('What is the capital of France?', 100) } });
      }
      return text(`Sampling result: ${sampledText(ctx, 'sample_request') ?? 'no response'}`);
    },
  }),
  defineTool({
    name: 'test_input_required_result_list_roots',
    description: 'MRTR: returns InputRequiredResult with roots/list request',
    inputSchema: NO_ARGS,
    inputRequired: true,
    handler: (_args, ctx) => {
      const roots = ctx.input('roots_request');
      if (roots.kind !== 'roots') return inputRequired({ inputRequests: { roots_request: inputRequired.listRoots() } });
      return text(`Found ${roots.roots.length} root(s)`);
    },
  }),
  defineTool({
    name: 'test_input_required_result_request_state',
    description: 'MRTR: returns InputRequiredResult with requestState',
    inputSchema: NO_ARGS,
    inputRequired: true,
    handler: (_args, ctx) => {
      const state = ctx.requestState<{ kind?: string }>();
      const confirm = ctx.input('confirm');
      if (state?.kind === 'request-state' && confirm.kind === 'elicit' && confirm.content?.['ok'] === true) {
        return text('state-ok: requestState validated');
      }
      return inputRequired({ inputRequests: { confirm: askConfirm() }, requestState: ctx.sealState({ kind: 'request-state' }) });
    },
  }),
  defineTool({
    name: 'test_input_required_result_multiple_inputs',
    description: 'MRTR: returns InputRequiredResult with multiple input requests',
    inputSchema: NO_ARGS,
    inputRequired: true,
    handler: (_args, ctx) => {
      const state = ctx.requestState<{ kind?: string }>();
      const roots = ctx.input('client_roots');
      const name = answered(ctx, 'user_name', 'name');
      if (state?.kind === 'multiple-inputs' && name !== undefined && ctx.input('greeting').kind === 'sampling' && roots.kind === 'roots') {
        return text(`Name: ${name}; Greeting: ${sampledText(ctx, 'greeting') ?? 'Hello there!'}; Roots: ${roots.roots.length}`);
      }
      return inputRequired({
        inputRequests: {
          user_name: askText('What is your name?', 'name'),
          greeting: askModel('Generate a greeting', 50),
          client_roots: inputRequired.listRoots(),
        },
        requestState: ctx.sealState({ kind: 'multiple-inputs' }),
      });
    },
  }),
  defineTool({
    name: 'test_input_required_result_multi_round',
    description: 'MRTR: multi-round InputRequiredResult workflow',
    inputSchema: NO_ARGS,
    inputRequired: true,
    handler: (_args, ctx) => {
      const state = ctx.requestState<{ round?: number; name?: string }>();
      const name = answered(ctx, 'step1', 'name');
      if (state?.round === 1 && name !== undefined) {
        return inputRequired({
          inputRequests: { step2: askText('Step 2: What is your favorite color?', 'color') },
          requestState: ctx.sealState({ round: 2, name }),
        });
      }
      const color = answered(ctx, 'step2', 'color');
      if (state?.round === 2 && color !== undefined) return text(`Multi-round complete for ${state.name ?? 'friend'} who likes ${color}`);
      return inputRequired({ inputRequests: { step1: askText('Step 1: What is your name?', 'name') }, requestState: ctx.sealState({ round: 1 }) });
    },
  }),
  defineTool({
    name: 'test_input_required_result_tampered_state',
    description: 'MRTR: HMAC-signed requestState integrity test',
    inputSchema: NO_ARGS,
    inputRequired: true,
    handler: (_args, ctx) => {
      // A changed state never gets here: the runtime's codec refuses it with -32602 before the handler runs.
      const state = ctx.requestState<{ kind?: string }>();
      if (state?.kind === 'tamper-test' && ctx.input('confirm').kind === 'elicit') return text('integrity-ok: state verified');
      return inputRequired({ inputRequests: { confirm: askConfirm() }, requestState: ctx.sealState({ kind: 'tamper-test' }) });
    },
  }),
  defineTool({
    name: 'test_input_required_result_capabilities',
    description: 'MRTR: respects client capabilities in inputRequests',
    inputSchema: NO_ARGS,
    inputRequired: true,
    handler: (_args, ctx) => {
      const received = Object.keys(ctx.mcp.mcpReq.inputResponses ?? {});
      if (received.length > 0) return text(`capabilities-ok: received ${received.join(',')}`);
      const caps = ctx.clientCapabilities;
      // Only ask for what the client said it can answer.
      const inputRequests = {
        ...(caps?.elicitation !== undefined && { elicit_input: askText('Elicitation input', 'value') }),
        ...(caps?.sampling !== undefined && { sample_input: askModel('Sample request', 50) }),
      };
      if (Object.keys(inputRequests).length === 0) return text('No supported capabilities declared');
      return inputRequired({ inputRequests, requestState: ctx.sealState({ kind: 'capabilities-test' }) });
    },
  }),
  // Diagnostic hooks of the subscriptions/listen scenario: a list change reaches every open stream.
  defineTool({
    name: 'test_trigger_tool_change',
    description: 'Publishes notifications/tools/list_changed to open subscriptions/listen streams',
    inputSchema: NO_ARGS,
    handler: async (_args, ctx) => {
      await ctx.publish({ type: 'tools/list_changed' });
      return text('Mutation triggered');
    },
  }),
  defineTool({
    name: 'test_trigger_prompt_change',
    description: 'Publishes notifications/prompts/list_changed to open subscriptions/listen streams',
    inputSchema: NO_ARGS,
    handler: async (_args, ctx) => {
      await ctx.publish({ type: 'prompts/list_changed' });
      return text('Mutation triggered');
    },
  }),
];
