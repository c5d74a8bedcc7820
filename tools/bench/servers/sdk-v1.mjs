// The same server on the legacy @modelcontextprotocol/sdk 1.x: stateless StreamableHTTPServerTransport
// (sessionIdGenerator undefined), a new McpServer and transport per request, as the SDK's README shows.
import { createServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { GET_NOTE_SQL, announce, host, openBenchDatabase, port, shapes, structured, textStats, toNote } from './tools.mjs';

const s = shapes(z);
const db = await openBenchDatabase();

function buildServer() {
  const server = new McpServer({ name: 'sdk-v1', version: '1.0.0' });
  server.registerTool(
    'text_stats',
    { description: 'Counts characters, words, lines and sentences.', inputSchema: s.textStats.input.shape, outputSchema: s.textStats.output.shape },
    async (args) => structured(textStats(args)),
  );
  if (db) {
    server.registerTool(
      'get_note',
      { description: 'Reads one note by id.', inputSchema: s.getNote.input.shape, outputSchema: s.getNote.output.shape },
      async ({ id }) => {
        const { rows } = await db.query(GET_NOTE_SQL, [id]);
        if (rows.length === 0) return { content: [{ type: 'text', text: `no note ${id}` }], isError: true };
        return structured(toNote(rows[0]));
      },
    );
  }
  return server;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

createServer(async (req, res) => {
  if (req.url !== '/mcp') return void res.writeHead(req.url === '/readyz' ? 200 : 404).end();
  const body = JSON.parse(await readBody(req));
  const server = buildServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on('close', () => {
    transport.close();
    server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}).listen(port, host, () => announce('sdk-v1'));
