import { request } from 'node:http';
import { expect } from 'vitest';

const JSON_AND_SSE = 'application/json, text/event-stream';
const MODERN = '2026-07-28';

function toolCall(id: number, name: string, args: Record<string, unknown>, meta?: Record<string, unknown>) {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) } };
}

/** The JSON-RPC message in a response, whether it came as JSON or as one SSE event. */
async function message(res: Response): Promise<{ result?: Record<string, unknown>; error?: { code: number; message: string } }> {
  const text = await res.text();
  if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    const data = text.split('\n').find((line) => line.startsWith('data: ') && line.length > 6);
    return JSON.parse(data!.slice(6));
  }
  return JSON.parse(text);
}

/** fetch() will not send a forged Host header, so DNS-rebinding is checked with node:http. */
function statusWithHost(url: string, host: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { Host: host, 'Content-Type': 'application/json', Accept: JSON_AND_SSE },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/**
 * What the conformance suite 0.1.13 has no scenario for, checked on the wire: stateless serving,
 * the HTTP header rules of both protocol eras, and tool errors.
 */
export async function checkProtocolEdges(baseUrl: string): Promise<void> {
  const mcp = `${baseUrl}/mcp`;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(mcp, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: JSON_AND_SSE, ...headers },
      body: JSON.stringify(body),
    });

  // Stateless (2025 era): a call with no initialize succeeds, and no session is created.
  const legacy = await post(toolCall(1, 'text_stats', { text: 'stateless works' }));
  expect(legacy.status).toBe(200);
  expect(legacy.headers.get('mcp-session-id')).toBeNull();
  expect((await message(legacy)).result?.['structuredContent']).toMatchObject({ words: 2 });
  expect((await fetch(mcp, { method: 'GET', headers: { Accept: 'text/event-stream' } })).status).toBe(405);

  // Header validation.
  expect((await post(toolCall(2, 'text_stats', { text: 'x' }), { Accept: 'text/html' })).status).toBe(406);
  expect((await post(toolCall(3, 'text_stats', { text: 'x' }), { 'Content-Type': 'text/plain' })).status).toBe(415);
  expect((await post(toolCall(4, 'text_stats', { text: 'x' }), { 'MCP-Protocol-Version': '1999-01-01' })).status).toBe(400);
  expect(await statusWithHost(mcp, 'evil.example', toolCall(5, 'text_stats', { text: 'x' }))).toBe(403);
  expect((await post(toolCall(6, 'text_stats', { text: 'x' }), { Origin: 'https://evil.example' })).status).toBe(403);

  // The 2026-07-28 era: per-request envelope, answered with plain JSON; headers must match the body.
  const meta = {
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  const modernHeaders = { 'MCP-Protocol-Version': MODERN, 'Mcp-Method': 'tools/call', 'Mcp-Name': 'text_stats' };
  const modern = await post(toolCall(7, 'text_stats', { text: 'modern era call' }, meta), modernHeaders);
  expect(modern.status).toBe(200);
  expect(modern.headers.get('content-type')).toContain('application/json');
  expect((await message(modern)).result?.['structuredContent']).toMatchObject({ words: 3 });
  const mismatched = await message(await post(toolCall(8, 'text_stats', { text: 'x' }, meta), { ...modernHeaders, 'Mcp-Name': 'add_note' }));
  expect(mismatched.error).toBeDefined();

  // Tool errors are results with isError, not protocol errors.
  const invalid = await message(await post(toolCall(9, 'add_note', { title: '' })));
  expect(invalid.result?.['isError']).toBe(true);
  const unknown = await message(await post(toolCall(10, 'no_such_tool', {})));
  expect(unknown.error ?? unknown.result?.['isError']).toBeTruthy();
}
