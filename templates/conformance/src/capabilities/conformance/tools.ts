import { defineTool, inputRequired, ToolError } from '@slipway/mcp-runtime';
import { z } from 'zod';
import { PNG_BASE64, WAV_BASE64 } from './media.js';

const NO_ARGS = z.object({});
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const contentTools = [
  defineTool({
    name: 'test_simple_text',
    description: 'Tests simple text content response',
    inputSchema: NO_ARGS,
    handler: () => ({ content: [{ type: 'text', text: 'This is a simple text response for testing.' }] }),
  }),
  defineTool({
    name: 'test_image_content',
    description: 'Tests image content response',
    inputSchema: NO_ARGS,
    handler: () => ({ content: [{ type: 'image', data: PNG_BASE64, mimeType: 'image/png' }] }),
  }),
  defineTool({
    name: 'test_audio_content',
    description: 'Tests audio content response',
    inputSchema: NO_ARGS,
    handler: () => ({ content: [{ type: 'audio', data: WAV_BASE64, mimeType: 'audio/wav' }] }),
  }),
  defineTool({
    name: 'test_embedded_resource',
    description: 'Tests embedded resource content response',
    inputSchema: NO_ARGS,
    handler: () => ({
      content: [
        {
          type: 'resource',
          resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' },
        },
      ],
    }),
  }),
  defineTool({
    name: 'test_multiple_content_types',
    description: 'Tests response with multiple content types (text, image, resource)',
    inputSchema: NO_ARGS,
    handler: () => ({
      content: [
        { type: 'text', text: 'Multiple content types test:' },
        { type: 'image', data: PNG_BASE64, mimeType: 'image/png' },
        {
          type: 'resource',
          resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) },
        },
      ],
    }),
  }),
  defineTool({
    name: 'test_error_handling',
    description: 'Tests error response handling',
    inputSchema: NO_ARGS,
    handler: () => {
      throw new ToolError('This tool intentionally returns an error for testing');
    },
  }),
  defineTool({
    name: 'json_schema_2020_12_tool',
    description: 'Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)',
    inputSchema: z.object({
      name: z.string().optional(),
      address: z.object({ street: z.string().optional(), city: z.string().optional() }).optional(),
    }),
    handler: (args) => ({ content: [{ type: 'text', text: `JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}` }] }),
  }),
];

/** Notifications during a call: progress (when the client sent a token) and client-visible logs. */
const notifyingTools = [
  defineTool({
    name: 'test_tool_with_logging',
    description: 'Tests tool that emits log messages during execution',
    inputSchema: NO_ARGS,
    streaming: true,
    handler: async (_args, ctx) => {
      await ctx.log('info', 'Tool execution started');
      await pause(50);
      await ctx.log('info', 'Tool processing data');
      await pause(50);
      await ctx.log('info', 'Tool execution completed');
      return { content: [{ type: 'text', text: 'Tool with logging executed successfully' }] };
    },
  }),
  defineTool({
    name: 'test_logging_tool',
    description: 'Diagnostic logging validator tool',
    inputSchema: NO_ARGS,
    streaming: true,
    handler: async (_args, ctx) => {
      // Sent only when the request carries a log level (2026-07-28), at or below it.
      await ctx.log('info', 'Diagnostic trace logging activated');
      return { content: [{ type: 'text', text: 'Logging evaluated' }] };
    },
  }),
  defineTool({
    name: 'test_tool_with_progress',
    description: 'Tests tool that reports progress notifications',
    inputSchema: NO_ARGS,
    streaming: true,
    handler: async (_args, ctx) => {
      for (const step of [0, 50, 100]) {
        await ctx.progress(step, { total: 100, message: `Completed step ${step} of 100` });
        if (step < 100) await pause(50);
      }
      return { content: [{ type: 'text', text: String(ctx.mcp.mcpReq._meta?.progressToken ?? 0) }] };
    },
  }),
  defineTool({
    name: 'test_streaming_elicitation',
    description: 'Diagnostic tool validating response progress streams',
    inputSchema: NO_ARGS,
    streaming: true,
    handler: async (_args, ctx) => {
      await ctx.progress(50, { total: 100 });
      return { content: [{ type: 'text', text: 'Streaming complete' }] };
    },
  }),
];

type ElicitSchema = Parameters<typeof inputRequired.elicit>[0]['requestedSchema'];

const ELICIT_RESPONSE: ElicitSchema = {
  type: 'object',
  properties: { response: { type: 'string', description: "User's response" } },
  required: ['response'],
};

const ELICIT_DEFAULTS: ElicitSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'User name', default: 'John Doe' },
    age: { type: 'integer', description: 'User age', default: 30 },
    score: { type: 'number', description: 'User score', default: 95.5 },
    status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
    verified: { type: 'boolean', description: 'Verification status', default: true },
  },
  required: [],
};

const ELICIT_ENUMS: ElicitSchema = {
  type: 'object',
  properties: {
    untitledSingle: { type: 'string', description: 'Select one option', enum: ['option1', 'option2', 'option3'] },
    titledSingle: {
      type: 'string',
      description: 'Select one option with titles',
      oneOf: [
        { const: 'value1', title: 'First Option' },
        { const: 'value2', title: 'Second Option' },
        { const: 'value3', title: 'Third Option' },
      ],
    },
    legacyEnum: {
      type: 'string',
      description: 'Select one option (legacy)',
      enum: ['opt1', 'opt2', 'opt3'],
      enumNames: ['Option One', 'Option Two', 'Option Three'],
    },
    untitledMulti: {
      type: 'array',
      description: 'Select multiple options',
      minItems: 1,
      maxItems: 3,
      items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
    },
    titledMulti: {
      type: 'array',
      description: 'Select multiple options with titles',
      minItems: 1,
      maxItems: 3,
      items: {
        anyOf: [
          { const: 'value1', title: 'First Choice' },
          { const: 'value2', title: 'Second Choice' },
          { const: 'value3', title: 'Third Choice' },
        ],
      },
    },
  },
  required: [],
};

/**
 * One form elicitation, written once for both eras: 2026-07-28 clients get an input-required result
 * and call again; 2025-era clients are asked by the server mid-call.
 */
function elicitingTool(name: string, description: string, message: (args: { message?: string }) => string, schema: ElicitSchema, label: string) {
  return defineTool({
    name,
    description,
    inputSchema: z.object({ message: z.string().optional().describe('The message to show the user') }),
    inputRequired: true,
    handler: (args, ctx) => {
      const answer = ctx.input('answer');
      if (answer.kind !== 'elicit') {
        return inputRequired({ inputRequests: { answer: inputRequired.elicit({ message: message(args), requestedSchema: schema }) } });
      }
      return { content: [{ type: 'text', text: `${label}: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}` }] };
    },
  });
}

/** The 2025-era server-to-client request scenarios (tools-call-sampling, tools-call-elicitation, SEP-1034, SEP-1330). */
const askingTools = [
  defineTool({
    name: 'test_sampling',
    description: 'Tests server-initiated sampling (LLM completion request)',
    inputSchema: z.object({ prompt: z.string().describe('The prompt to send to the LLM') }),
    inputRequired: true,
    handler: ({ prompt }, ctx) => {
      const answer = ctx.input('completion');
      if (answer.kind !== 'sampling') {
        return inputRequired({
          inputRequests: {
            completion: inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 }),
          },
        });
      }
      const content = answer.result.content;
      const text = !Array.isArray(content) && content.type === 'text' ? content.text : 'No response';
      return { content: [{ type: 'text', text: `LLM response: ${text}` }] };
    },
  }),
  elicitingTool('test_elicitation', 'Tests server-initiated elicitation (user input request)', (args) => args.message ?? 'Please respond', ELICIT_RESPONSE, 'User response'),
  elicitingTool(
    'test_elicitation_sep1034_defaults',
    'Tests elicitation with default values per SEP-1034',
    () => 'Please review and update the form fields with defaults',
    ELICIT_DEFAULTS,
    'Elicitation completed',
  ),
  elicitingTool(
    'test_elicitation_sep1330_enums',
    'Tests elicitation with enum schema improvements per SEP-1330',
    () => 'Please select options from the enum fields',
    ELICIT_ENUMS,
    'Elicitation completed',
  ),
];

export const conformanceTools = [...contentTools, ...notifyingTools, ...askingTools];
