// The quick start's first command: generate a sample workspace with one MCP service from the
// packed plugin, build it, serve it on the embedded PGlite database and call it like a client would.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { nx, repoRoot, setUpSlipwayWorkspace } from './local-packages.js';

const demoRoot = join(repoRoot, 'tmp/demo');
const workspace = join(demoRoot, 'workspace');
const service = join(workspace, 'services/orders');
const port = Number(process.env['PORT'] ?? 3000);
const exitAfterCalls = process.argv.includes('--exit');

function step(message: string): void {
  console.log(`\n▶ ${message}`);
}

rmSync(demoRoot, { recursive: true, force: true });
step(`Packing @slipway/nx and @slipway/mcp-runtime, publishing them to a local registry, creating a workspace in ${workspace}`);
const { registry } = await setUpSlipwayWorkspace(demoRoot);
step('nx g @slipway/nx:new-mcp-service orders');
console.log(nx(workspace, ['g', '@slipway/nx:new-mcp-service', 'orders', '--no-interactive']).trim());
await registry.stop();
step('nx build orders');
nx(workspace, ['build', 'orders']);

step(`Starting the service on port ${port} (embedded PGlite in services/orders/.data)`);
const server = spawn(process.execPath, ['dist/main.js'], {
  cwd: service,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const stop = () => server.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => process.exit(code ?? 1));

const url = `http://127.0.0.1:${port}`;
for (let i = 0; i < 300; i += 1) {
  if (
    await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
  )
    break;
  await new Promise((r) => setTimeout(r, 100));
}

step(`MCP endpoint: ${url}/mcp — a sample session with the MCP client`);
const client = new Client({ name: 'slipway-demo', version: '1.0.0' });
await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
const { tools } = await client.listTools();
console.log(`tools/list → ${tools.map((t) => t.name).join(', ')}`);
const added = await client.callTool({ name: 'add_note', arguments: { title: 'Demo', body: 'Slipway serves MCP on PGlite.' } });
console.log(`tools/call add_note → ${JSON.stringify(added.structuredContent)}`);
const found = await client.callTool({ name: 'search_notes', arguments: { query: 'PGlite' } });
console.log(`tools/call search_notes → ${JSON.stringify(found.structuredContent)}`);
await client.close();

console.log(`
Try it yourself:
  curl -s ${url}/mcp -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \\
    -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"text_stats","arguments":{"text":"Hello MCP"}}}'
  curl -s ${url}/readyz ; curl -s ${url}/metrics | grep mcp_tool
  cd ${workspace} && npx nx inspect orders      # MCP Inspector
Press Ctrl-C to stop (SIGTERM drains in-flight requests, then exits 0).`);
if (exitAfterCalls) stop();
