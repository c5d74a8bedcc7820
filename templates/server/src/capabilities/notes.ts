import { defineTool } from '@slipway/mcp-runtime';
import { z } from 'zod';
import type { Database } from '../database.js';

const noteSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  createdAt: z.string().describe('ISO 8601 timestamp'),
});

interface NoteRow {
  id: number;
  title: string;
  created_at: Date | string;
}

function toNote(row: NoteRow): z.infer<typeof noteSchema> {
  return { id: row.id, title: row.title, createdAt: new Date(row.created_at).toISOString() };
}

/** Notes stored in PostgreSQL (or the embedded PGlite), found with PostgreSQL full-text search. */
export function notesTools(db: Database) {
  const addNote = defineTool({
    name: 'add_note',
    title: 'Add a note',
    description: 'Saves a note so that search_notes can find it later.',
    inputSchema: z.object({
      title: z.string().min(1).max(200),
      body: z.string().min(1).max(20_000),
    }),
    outputSchema: noteSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    handler: async ({ title, body }) => {
      const { rows } = await db.query<NoteRow>(
        'INSERT INTO notes (title, body) VALUES ($1, $2) RETURNING id, title, created_at',
        [title, body],
      );
      return toNote(rows[0]!);
    },
  });

  const searchNotes = defineTool({
    name: 'search_notes',
    title: 'Search notes',
    description: 'Full-text search over saved notes (web-search syntax: words, "quoted phrases", -excluded), best matches first.',
    inputSchema: z.object({
      query: z.string().min(1).max(500),
      limit: z.number().int().min(1).max(50).default(10),
    }),
    outputSchema: z.object({
      notes: z.array(noteSchema.extend({ snippet: z.string(), rank: z.number() })),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: async ({ query, limit }) => {
      const { rows } = await db.query<NoteRow & { snippet: string; rank: number }>(
        `SELECT n.id, n.title, n.created_at,
                ts_headline('english', n.body, q, 'MaxWords=20, MinWords=5') AS snippet,
                ts_rank(n.search, q) AS rank
           FROM notes n, websearch_to_tsquery('english', $1) AS q
          WHERE n.search @@ q
          ORDER BY rank DESC, n.id
          LIMIT $2`,
        [query, limit],
      );
      return { notes: rows.map((row) => ({ ...toNote(row), snippet: row.snippet, rank: Number(row.rank) })) };
    },
  });

  return [addNote, searchNotes];
}
