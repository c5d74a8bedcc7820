// Sample capabilities shared by the runtime's own tests (not part of the published package).
import { z } from 'zod';
import { defineResource, definePrompt, defineTool, ToolError, type Capabilities } from '../index.js';

export const info = { name: 'sample-service', version: '1.2.3', instructions: 'A sample service for tests.' };

export const add = defineTool({
  name: 'add',
  title: 'Add',
  description: 'Adds two numbers',
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  outputSchema: z.object({ sum: z.number() }),
  annotations: { readOnlyHint: true },
  handler: ({ a, b }) => ({ sum: a + b }),
});

export const fail = defineTool({
  name: 'fail',
  description: 'Always fails with a ToolError',
  inputSchema: z.object({ reason: z.string() }),
  handler: ({ reason }) => {
    throw new ToolError(`refused: ${reason}`);
  },
});

export const crash = defineTool({
  name: 'crash',
  description: 'Throws an unexpected error',
  inputSchema: z.object({}),
  handler: () => {
    throw new Error('secret internal detail');
  },
});

export const slow = defineTool({
  name: 'slow',
  description: 'Answers after a delay',
  inputSchema: z.object({ ms: z.number().int().min(0).max(5000).default(300) }),
  outputSchema: z.object({ waited: z.number() }),
  handler: async ({ ms }) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { waited: ms };
  },
});

export const whoami = defineTool({
  name: 'whoami',
  description: 'Returns the request id the tool saw',
  inputSchema: z.object({}),
  outputSchema: z.object({ requestId: z.string() }),
  handler: (_args, ctx) => ({ requestId: ctx.requestId }),
});

export const raw = defineTool({
  name: 'raw',
  description: 'Returns a full CallToolResult',
  inputSchema: z.object({}),
  handler: () => ({ content: [{ type: 'text' as const, text: 'plain text' }] }),
});

export const progress = defineTool({
  name: 'progress',
  description: 'Sends a log notification mid-call',
  inputSchema: z.object({}),
  outputSchema: z.object({ done: z.boolean() }),
  streaming: true,
  handler: async (_args, ctx) => {
    await ctx.mcp.mcpReq.log('info', 'working');
    return { done: true };
  },
});

export const readme = defineResource({
  name: 'readme',
  uri: 'docs://readme',
  title: 'Readme',
  description: 'The readme',
  mimeType: 'text/markdown',
  read: () => '# Sample',
});

export const note = defineResource({
  name: 'note',
  uriTemplate: 'notes://{id}',
  description: 'A note by id',
  mimeType: 'text/plain',
  read: (_uri, ctx) => ({ text: `note ${String(ctx.variables['id'])}` }),
});

export const greet = definePrompt({
  name: 'greet',
  title: 'Greet',
  description: 'Greets someone',
  argsSchema: z.object({ name: z.string().describe('Who to greet') }),
  render: ({ name }) => `Say hello to ${name}.`,
});

export const capabilities: Capabilities = {
  tools: [add, fail, crash, slow, whoami, raw, progress],
  resources: [readme, note],
  prompts: [greet],
};
