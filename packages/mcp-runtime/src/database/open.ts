import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Extensions } from '@electric-sql/pglite';
import type { Logger } from 'pino';
import { redactUrlCredentials } from '../logger.js';
import type { Database, DatabaseExtension, Queryable, QueryResult } from './types.js';

export interface OpenDatabaseOptions {
  /** A postgres:// URL: when set, a `pg` Pool is used; otherwise embedded PGlite. */
  url?: string;
  /** PGlite data directory (created if missing); `memory://` keeps the database in memory. */
  dataDir: string;
  extensions?: DatabaseExtension[];
  logger?: Logger;
  /** pg Pool size. Default 10. */
  poolSize?: number;
  /**
   * A gzipped tarball of a fresh PGlite data directory (see createPgliteTemplate). A data directory
   * that does not exist yet is unpacked from it instead of running initdb, which takes seconds in
   * WASM. Ignored for existing data directories, `memory://` and PostgreSQL.
   */
  template?: string | URL;
}

const MEMORY = 'memory://';

/** Opens PostgreSQL (when `url` is set) or PGlite; each driver is imported only when used. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.url !== undefined && options.url !== '' ? openPostgres(options.url, options) : openPglite(options);
}

async function pgliteExtensions(wanted: readonly DatabaseExtension[] | undefined): Promise<Extensions> {
  const extensions: Extensions = {};
  if (wanted?.includes('vector')) extensions['vector'] = (await import('@electric-sql/pglite-pgvector')).vector;
  return extensions;
}

const exists = (path: string) => access(path).then(() => true, () => false);

/**
 * Writes a gzipped tarball of a freshly initialised PGlite data directory, to pass as `template`:
 * made once (at build time, or in an image layer), it spares every new data directory the initdb.
 * It is tied to the PGlite version that made it.
 */
export async function createPgliteTemplate(file: string, extensions?: DatabaseExtension[]): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create(MEMORY, { extensions: await pgliteExtensions(extensions) });
  try {
    const dump = await pg.dumpDataDir('gzip');
    await writeFile(file, new Uint8Array(await dump.arrayBuffer()));
  } finally {
    await pg.close();
  }
}

async function openPglite(options: OpenDatabaseOptions): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const extensions = await pgliteExtensions(options.extensions);
  const inMemory = options.dataDir === MEMORY || options.dataDir === '';
  if (!inMemory) await mkdir(options.dataDir, { recursive: true });
  // PG_VERSION is what initdb writes first: without it the directory holds no database yet.
  // A missing template (a dev run from sources, before any build made it) just means initdb.
  const fromTemplate =
    !inMemory &&
    options.template !== undefined &&
    !(await exists(join(options.dataDir, 'PG_VERSION'))) &&
    (await exists(options.template instanceof URL ? fileURLToPath(options.template) : options.template));
  const loadDataDir = fromTemplate ? new Blob([await readFile(options.template!)]) : undefined;
  const started = performance.now();
  const pg = await PGlite.create(inMemory ? MEMORY : options.dataDir, { extensions, ...(loadDataDir && { loadDataDir }) });
  options.logger?.info(
    { kind: 'pglite', dataDir: inMemory ? MEMORY : options.dataDir, fromTemplate, ms: Math.round(performance.now() - started) },
    'database opened',
  );

  interface PgliteQueryable {
    query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
    exec(sql: string): Promise<unknown>;
  }
  const wrap = (target: PgliteQueryable): Queryable => ({
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await target.query<T>(sql, params)).rows }),
    exec: async (sql: string) => {
      await target.exec(sql);
    },
  });
  const base = wrap(pg);
  return {
    kind: 'pglite',
    query: base.query,
    exec: base.exec,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    ping: async () => {
      await pg.query('SELECT 1');
    },
    close: () => pg.close(),
  };
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'idle database client error'));

  interface PgQueryable {
    query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  }
  const wrap = (target: PgQueryable): Queryable => ({
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await target.query(sql, params)).rows as T[] }),
    // Without parameters pg uses the simple query protocol, which accepts several statements.
    exec: async (sql: string) => {
      await target.query(sql);
    },
  });
  const base = wrap(pool);
  const db: Database = {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
  await db.ping();
  options.logger?.info({ kind: 'postgres', url: redactUrlCredentials(url) }, 'database opened');
  return db;
}
