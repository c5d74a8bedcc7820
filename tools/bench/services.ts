import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addTools } from '../../test/support/generated-service.js';
import { nx, npmIn } from '../local-packages.js';

/**
 * The generated services the server sections run: `bench-db` (the default, embedded PGlite or
 * PostgreSQL) with one tool a user adds, and `bench-nodb` (`--database=none`). Both built with Nx.
 */
export interface GeneratedServices {
  readonly db: string;
  readonly noDb: string;
}

// What a user adds in src/capabilities/ (write-once domain code): a read by primary key.
const GET_NOTE_TOOL = `import { ToolError, defineTool } from '@slipway/mcp-runtime';
import { z } from 'zod';
import type { Database } from '../database.js';

interface NoteRow {
  id: number;
  title: string;
  created_at: Date | string;
}

/** Added for the benchmark: one note by id, a single-row SELECT on the primary key. */
export function getNoteTool(db: Database) {
  return defineTool({
    name: 'get_note',
    description: 'Reads one note by id.',
    inputSchema: z.object({ id: z.number().int().min(1) }),
    outputSchema: z.object({ id: z.number().int(), title: z.string(), createdAt: z.string() }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: async ({ id }) => {
      const { rows } = await db.query<NoteRow>('SELECT id, title, created_at FROM notes WHERE id = $1', [id]);
      const row = rows[0];
      if (row === undefined) throw new ToolError(\`no note \${id}\`);
      return { id: row.id, title: row.title, createdAt: new Date(row.created_at).toISOString() };
    },
  });
}
`;

function addGetNoteTool(service: string): void {
  addTools(service, { file: 'get-note.ts', source: GET_NOTE_TOOL, imports: ['getNoteTool'], tools: 'getNoteTool(db)' });
}

/**
 * The generated service starts a new PGlite data directory from the template its build makes; the
 * bench chooses per run instead (PGLITE_TEMPLATE: a template file, or a missing file for initdb), so
 * that start-up can compare both.
 */
function passPgliteTemplate(service: string): void {
  const file = join(service, 'src/database.ts');
  const source = readFileSync(file, 'utf8');
  const built = "pgliteTemplate: new URL('./db/pglite-template.tgz', import.meta.url),";
  const patched = source.replace(built, "pgliteTemplate: process.env['PGLITE_TEMPLATE'] ?? new URL('./db/pglite-template.tgz', import.meta.url),");
  if (patched === source) throw new Error(`could not pass PGLITE_TEMPLATE in ${file}; the template changed`);
  writeFileSync(file, patched);
}

/** Generates, installs (from the local registry, still running) and builds both services. */
export function prepareServices(workspace: string): GeneratedServices {
  nx(workspace, ['g', '@slipway/nx:new-mcp-service', 'bench-db', '--skipInstall', '--no-interactive']);
  nx(workspace, ['g', '@slipway/nx:new-mcp-service', 'bench-nodb', '--database=none', '--skipInstall', '--no-interactive']);
  const db = join(workspace, 'services/bench-db');
  addGetNoteTool(db);
  passPgliteTemplate(db);
  npmIn(workspace, ['install', '--no-audit', '--no-fund']);
  nx(workspace, ['run-many', '-t', 'build', '-p', 'bench-db', 'bench-nodb']);
  return { db, noDb: join(workspace, 'services/bench-nodb') };
}
