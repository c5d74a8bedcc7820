// The same tools on FastMCP, stateless httpStream (its own HTTP server, via mcp-proxy).
import { FastMCP } from 'fastmcp';
import { z } from 'zod';
import { GET_NOTE_SQL, announce, host, openBenchDatabase, port, shapes, textStats, toNote } from './tools.mjs';

const s = shapes(z);
const db = await openBenchDatabase();
const server = new FastMCP({ name: 'fastmcp', version: '1.0.0', health: { enabled: true, path: '/readyz' } });

server.addTool({
  name: 'text_stats',
  description: 'Counts characters, words, lines and sentences.',
  parameters: s.textStats.input,
  execute: async (args) => JSON.stringify(textStats(args)),
});
if (db) {
  server.addTool({
    name: 'get_note',
    description: 'Reads one note by id.',
    parameters: s.getNote.input,
    execute: async ({ id }) => {
      const { rows } = await db.query(GET_NOTE_SQL, [id]);
      if (rows.length === 0) throw new Error(`no note ${id}`);
      return JSON.stringify(toNote(rows[0]));
    },
  });
}

await server.start({ transportType: 'httpStream', httpStream: { port, host, endpoint: '/mcp', stateless: true } });
announce('fastmcp');
