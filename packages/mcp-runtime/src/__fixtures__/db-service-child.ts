// Child process for the database fault tests: a service as generated (config, openServiceDatabase
// with exitOnDatabaseError, HTTP with a database readiness check) with tools that write and count
// notes. Prints "READY <url> <pid>" on stderr once listening.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { baseConfigSchema, createLogger, defineTool, loadConfig, startHttpService } from '../index.js';
import { exitOnDatabaseError, openServiceDatabase } from '../database/index.js';

const config = { ...loadConfig(baseConfigSchema), PORT: 0 };
const logger = createLogger({ name: 'db-child', level: 'warn', destination: 'stderr' });
const template = process.env['TEST_PGLITE_TEMPLATE'];
const db = await openServiceDatabase(config, {
  migrationsDir: fileURLToPath(new URL('./migrations/basic/', import.meta.url)),
  logger,
  ...(template !== undefined && { pgliteTemplate: template }),
}).catch(exitOnDatabaseError);

const addNote = defineTool({
  name: 'add_note',
  description: 'Inserts a note',
  inputSchema: z.object({ body: z.string() }),
  handler: async ({ body }) => {
    const { rows } = await db.query<{ id: number }>('INSERT INTO notes (body) VALUES ($1) RETURNING id', [body]);
    return { id: rows[0]?.id };
  },
});
const countNotes = defineTool({
  name: 'count_notes',
  description: 'Counts notes with a prefix',
  inputSchema: z.object({ prefix: z.string() }),
  handler: async ({ prefix }) => {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notes WHERE body LIKE $1', [`${prefix}%`]);
    return { n: rows[0]?.n ?? 0 };
  },
});

const service = await startHttpService({
  info: { name: 'db-child', version: '0.0.0' },
  config,
  logger,
  capabilities: { tools: [addNote, countNotes] },
  readiness: { database: () => db.ping() },
  onShutdown: [() => db.close()],
});
process.stderr.write(`READY ${service.url} ${process.pid}\n`);
