import { titleCase } from '../../../packages/nx/src/names.js';
import type { NormalizedNewMcpServiceOptions } from './normalize-options.js';

const DATABASE_DESCRIPTIONS = {
  pglite: 'Embedded PGlite with pgvector; PostgreSQL when `DATABASE_URL` is set',
  postgres: 'PostgreSQL at `DATABASE_URL`',
  none: 'None',
} as const;

/** Every decision the server templates branch on, named and made here rather than in EJS. */
export function templateVariables(options: NormalizedNewMcpServiceOptions) {
  const hasHttp = options.transport !== 'stdio';
  const hasStdio = options.transport !== 'http';
  const hasDatabase = options.database !== 'none';
  return {
    name: options.name,
    title: titleCase(options.name),
    directory: options.directory,
    port: options.port,
    transport: options.transport,
    transports: [...(hasHttp ? ['streamable-http'] : []), ...(hasStdio ? ['stdio'] : [])],
    database: options.database,
    databaseDescription: DATABASE_DESCRIPTIONS[options.database],
    hasHttp,
    hasStdio,
    hasDatabase,
    instructions: hasDatabase
      ? 'Measures texts with text_stats, and saves and searches notes with add_note and search_notes.'
      : 'Measures texts with text_stats.',
    toolNames: (hasDatabase ? ['add_note', 'search_notes', 'text_stats'] : ['text_stats']).sort(),
  };
}
