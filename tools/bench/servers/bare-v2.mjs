// A hand-written server on the bare MCP SDK v2: createMcpHandler(factory) + toNodeHandler, one new
// McpServer per request (the SDK's stateless pattern), schemas built once. No health, metrics or logs.
import { createServer } from 'node:http';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { McpServer, createMcpHandler } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { GET_NOTE_SQL, announce, host, openBenchDatabase, port, shapes, structured, textStats, toNote } from './tools.mjs';

const s = shapes(z);
const db = await openBenchDatabase();

function factory() {
  const server = new McpServer({ name: 'bare-v2', version: '1.0.0' });
  server.registerTool(
    'text_stats',
    { description: 'Counts characters, words, lines and sentences.', inputSchema: s.textStats.input, outputSchema: s.textStats.output },
    async (args) => structured(textStats(args)),
  );
  if (db) {
    server.registerTool('get_note', { description: 'Reads one note by id.', inputSchema: s.getNote.input, outputSchema: s.getNote.output }, async ({ id }) => {
      const { rows } = await db.query(GET_NOTE_SQL, [id]);
      if (rows.length === 0) return { content: [{ type: 'text', text: `no note ${id}` }], isError: true };
      return structured(toNote(rows[0]));
    });
  }
  return server;
}

const handler = toNodeHandler(createMcpHandler(factory));
createServer((req, res) => {
  if (req.url === '/mcp') return void handler(req, res);
  res.writeHead(req.url === '/readyz' ? 200 : 404).end();
}).listen(port, host, () => announce('bare-v2'));
