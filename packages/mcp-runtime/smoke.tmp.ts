import { startHttpService, parseConfig, baseConfigSchema } from '/work/main/packages/mcp-runtime/src/index.ts';
import { capabilities, info } from '/work/main/packages/mcp-runtime/src/__fixtures__/sample.ts';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
const config = { ...parseConfig(baseConfigSchema, { LOG_LEVEL: 'warn' }), PORT: 0 };
const svc = await startHttpService({ info, capabilities, config, handleSignals: false });
for (const mode of ['legacy', 'auto'] as const) {
  const client = new Client({ name: 'c', version: '1' }, { versionNegotiation: { mode } });
  await client.connect(new StreamableHTTPClientTransport(new URL(svc.url + '/mcp')));
  const tools = await client.listTools();
  console.log(mode, tools.tools.map(t => t.name), JSON.stringify(tools.tools[0]));
  console.log(JSON.stringify(await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })));
  console.log(JSON.stringify(await client.callTool({ name: 'fail', arguments: { reason: 'x' } })));
  console.log(JSON.stringify(await client.callTool({ name: 'crash', arguments: {} })));
  console.log(JSON.stringify(await client.callTool({ name: 'whoami', arguments: {} })));
  console.log(JSON.stringify(await client.callTool({ name: 'raw', arguments: {} })));
  console.log(JSON.stringify(await client.callTool({ name: 'progress', arguments: {} })));
  console.log(JSON.stringify(await client.listResources()), JSON.stringify(await client.readResource({ uri: 'notes://42' })));
  console.log(JSON.stringify(await client.getPrompt({ name: 'greet', arguments: { name: 'Bo' } })), JSON.stringify(await client.listPrompts()));
  await client.close();
}
const r = await fetch(svc.url + '/mcp', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-request-id': 'abc-1' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }) });
console.log(r.status, r.headers.get('content-type'), r.headers.get('x-request-id'), await r.text());
const r2 = await fetch(svc.url + '/mcp', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'progress', arguments: {} } }) });
console.log(r2.status, r2.headers.get('content-type'), await r2.text());
console.log((await svc.metrics!.metrics()).split('\n').filter(l => l.startsWith('mcp_tool_calls_total') || l.startsWith('http_requests_total')).join('\n'));
await svc.close();
