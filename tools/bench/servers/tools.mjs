// The tools every compared server exposes, written once so that only the framework differs.
// They match the generated service's `text_stats` and the `get_note` tool the benchmark adds to it.

const WORDS_PER_MINUTE = 230;

/** The same computation as the generated service's text_stats tool (templates/server/src/capabilities/text-stats.ts). */
export function textStats({ text }) {
  const words = text.split(/\s+/).filter(Boolean).length;
  return {
    characters: [...text].length,
    words,
    lines: text === '' ? 0 : text.split(/\r?\n/).length,
    sentences: (text.match(/[^.!?]+[.!?]+/g) ?? []).length,
    readingTimeSeconds: Math.ceil((words / WORDS_PER_MINUTE) * 60),
  };
}

/** zod shapes for both tools, built once at start-up (what a hand-written server naturally does). */
export function shapes(z) {
  const note = z.object({ id: z.number().int(), title: z.string(), createdAt: z.string() });
  return {
    textStats: {
      input: z.object({ text: z.string().max(100_000).describe('The text to measure') }),
      output: z.object({
        characters: z.number().int(),
        words: z.number().int(),
        lines: z.number().int(),
        sentences: z.number().int(),
        readingTimeSeconds: z.number().int(),
      }),
    },
    getNote: { input: z.object({ id: z.number().int().min(1) }), output: note },
  };
}

export const GET_NOTE_SQL = 'SELECT id, title, created_at FROM notes WHERE id = $1';

export function toNote(row) {
  return { id: row.id, title: row.title, createdAt: new Date(row.created_at).toISOString() };
}

/**
 * The database a bare server uses: PGlite in BENCH_PGLITE_DIR or a pg Pool (10 connections, like the
 * runtime's) on DATABASE_URL; undefined when neither is set.
 */
export async function openBenchDatabase() {
  if (process.env.DATABASE_URL) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
    await pool.query('SELECT 1');
    return { query: (sql, params) => pool.query(sql, params), ping: () => pool.query('SELECT 1') };
  }
  if (process.env.BENCH_PGLITE_DIR) {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(process.env.BENCH_PGLITE_DIR);
    return { query: (sql, params) => db.query(sql, params), ping: () => db.query('SELECT 1') };
  }
  return undefined;
}

/** A tool result with structured content and its JSON text, as the SDK's examples return it. */
export function structured(value) {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

export const port = Number(process.env.PORT ?? 3000);
export const host = '127.0.0.1';

/** Tells the parent the server listens; the parent measures readiness with /readyz-like probes itself. */
export function announce(name) {
  process.stdout.write(`${JSON.stringify({ listening: `http://${host}:${port}/mcp`, server: name })}\n`);
}
