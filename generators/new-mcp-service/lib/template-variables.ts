import { titleCase } from '../../../packages/nx/src/names.js';
import type { NormalizedNewMcpServiceOptions } from './normalize-options.js';

const DATABASE_DESCRIPTIONS = {
  pglite: 'Embedded PGlite with pgvector; PostgreSQL when `DATABASE_URL` is set',
  postgres: 'PostgreSQL at `DATABASE_URL`',
  none: 'None',
} as const;

const MINIMAL = { instructions: 'Measures texts with text_stats.', toolNames: ['text_stats'] };
const MINIMAL_WITH_DATABASE = {
  instructions: 'Measures texts with text_stats, and saves and searches notes with add_note and search_notes.',
  toolNames: ['add_note', 'search_notes', 'text_stats'],
};
const RETAIL = {
  instructions:
    'Answers sales questions over the retail schema, limited to the store of the caller (head office sees every store). ' +
    'Call get_table_schemas first, then execute_sales_query with one read-only SELECT; semantic_search_products finds ' +
    'products by meaning; get_current_utc_date gives the current date for relative periods.',
  toolNames: ['execute_sales_query', 'get_current_utc_date', 'get_table_schemas', 'semantic_search_products'],
};

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
    preset: options.preset,
    ...(options.preset === 'retail' ? RETAIL : hasDatabase ? MINIMAL_WITH_DATABASE : MINIMAL),
  };
}
