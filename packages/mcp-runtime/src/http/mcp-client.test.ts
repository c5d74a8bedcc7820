import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilities, info } from '../__fixtures__/sample.js';
import { MCP_HEADERS, memoryLogger, rawRequest, testConfig } from '../__fixtures__/http-client.js';
import { startHttpService, type RunningService } from './service.js';

let service: RunningService;
beforeAll(async () => {
  service = await startHttpService({ info, capabilities, config: testConfig(), logger: memoryLogger().logger, handleSignals: false });
});
afterAll(() => service.close());

// 'legacy' is the client default (2025 initialize handshake); 'auto' negotiates 2026-07-28 per-request envelopes.
describe.each(['legacy', 'auto'] as const)('MCP client over Streamable HTTP (negotiation %s)', (mode) => {
  let client: Client;
  beforeAll(async () => {
    client = new Client({ name: 'runtime-test', version: '1.0.0' }, { versionNegotiation: { mode } });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${service.url}/mcp`)));
  });
  afterAll(() => client.close());

  it('connects and sees the server identity and instructions', () => {
    expect(client.getServerVersion()).toMatchObject({ name: 'sample-service', version: '1.2.3' });
    expect(client.getInstructions()).toBe('A sample service for tests.');
  });

  it('lists tools with input and output schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['add', 'fail', 'crash', 'slow', 'whoami', 'raw', 'progress']);
    const add = tools.find((t) => t.name === 'add');
    expect(add?.inputSchema).toMatchObject({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] });
    expect(add?.outputSchema).toMatchObject({ type: 'object', properties: { sum: { type: 'number' } }, required: ['sum'] });
    expect(add?.annotations).toEqual({ readOnlyHint: true });
    expect(add?.title).toBe('Add');
  });

  it('returns structuredContent and its JSON text for a tool call', async () => {
    const result = await client.callTool({ name: 'add', arguments: { a: 20, b: 22 } });
    expect(result.structuredContent).toEqual({ sum: 42 });
    expect(result.content).toEqual([{ type: 'text', text: '{"sum":42}' }]);
    expect(result.isError).toBeFalsy();
  });

  it('turns a ToolError into isError with its message', async () => {
    const result = await client.callTool({ name: 'fail', arguments: { reason: 'quota' } });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: 'refused: quota' }]);
  });

  it('hides unexpected errors behind a generic message', async () => {
    const result = await client.callTool({ name: 'crash', arguments: {} });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: 'Internal error' }]);
  });

  it('reports invalid arguments as a tool error', async () => {
    const result = await client.callTool({ name: 'add', arguments: { a: 'one' } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('Invalid arguments for tool add');
  });

  it('passes a handler-built CallToolResult through', async () => {
    const result = await client.callTool({ name: 'raw', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'plain text' }]);
    expect(result.structuredContent).toBeUndefined();
  });

  it('delivers mid-call log notifications from a streaming tool', async () => {
    const messages: unknown[] = [];
    client.setNotificationHandler('notifications/message', (notification) => {
      messages.push(notification.params.data);
    });
    if (mode === 'legacy') await client.setLoggingLevel('info');
    const result = await client.callTool({ name: 'progress', arguments: {} });
    expect(result.structuredContent).toEqual({ done: true });
    // 2026-07-28 carries the log level per request (_meta), and this client sends none: nothing is due.
    if (mode === 'legacy') expect(messages).toContain('working');
    else expect(messages).toEqual([]);
  });

  it('lists and reads resources, fixed and templated', async () => {
    const { resources } = await client.listResources();
    expect(resources).toEqual([{ name: 'readme', title: 'Readme', uri: 'docs://readme', description: 'The readme', mimeType: 'text/markdown' }]);
    const readme = await client.readResource({ uri: 'docs://readme' });
    expect(readme.contents).toEqual([{ uri: 'docs://readme', mimeType: 'text/markdown', text: '# Sample' }]);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['notes://{id}']);
    const note = await client.readResource({ uri: 'notes://7' });
    expect(note.contents).toEqual([{ uri: 'notes://7', mimeType: 'text/plain', text: 'note 7' }]);
  });

  it('lists and renders prompts', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts).toEqual([
      { name: 'greet', title: 'Greet', description: 'Greets someone', arguments: [{ name: 'name', description: 'Who to greet', required: true }] },
    ]);
    const prompt = await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
    expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Say hello to Ada.' } }]);
  });
});

describe('raw 2025-era requests without initialize', () => {
  it('answers tools/call with a single JSON body carrying the request id to the tool', async () => {
    const res = await rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, 'x-request-id': 'raw-2025' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-request-id']).toBe('raw-2025');
    expect(JSON.parse(res.body)).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: { content: [{ type: 'text', text: '{"requestId":"raw-2025"}' }], structuredContent: { requestId: 'raw-2025' } },
    });
  });

  it('keeps SSE for calls to a streaming tool', async () => {
    const res = await rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: MCP_HEADERS,
      body: JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'progress', arguments: {} } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.body).toContain('"structuredContent":{"done":true}');
  });

  it('acknowledges a notification with 202', async () => {
    const res = await rawRequest(`${service.url}/mcp`, {
      method: 'POST',
      headers: MCP_HEADERS,
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    });
    expect(res.status).toBe(202);
  });

  it('answers the SSE form too when JSON answers are turned off', async () => {
    const sse = await startHttpService({
      info,
      capabilities,
      config: testConfig(),
      logger: memoryLogger().logger,
      handleSignals: false,
      jsonResponses: false,
    });
    try {
      const res = await rawRequest(`${sse.url}/mcp`, {
        method: 'POST',
        headers: MCP_HEADERS,
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'add', arguments: { a: 1, b: 1 } } }),
      });
      expect(res.headers['content-type']).toBe('text/event-stream');
      expect(res.body).toContain('"structuredContent":{"sum":2}');
    } finally {
      await sse.close();
    }
  });
});
