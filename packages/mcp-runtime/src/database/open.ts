import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Extensions } from '@electric-sql/pglite';
import type { Logger } from 'pino';
import { redactUrlCredentials } from '../logger.js';
import { DatabaseSetupError } from './errors.js';
import { DatabaseUnavailableError, describeError, errorForLog, isDatabaseUnavailable, isStorageFault } from './faults.js';
import { preparePgliteDir, pgliteDirError } from './pglite-dir.js';
import { pgliteStartSettings } from './pglite-settings.js';
import { useBaselineWasmOnly } from './wasm-tiering.js';
import { lockPgliteDir } from './pglite-lock.js';
import { startPgliteThread, type PgliteThread } from './pglite-thread.js';
import type { Database, DatabaseExtension, Queryable, QueryResult } from './types.js';
import { traceQuery } from '../tracing/spans.js';

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
  /**
   * PGlite: `name=value` PostgreSQL settings it starts with. Default: pgliteStartSettings(), memory
   * sized for a small service (a service passes its PGLITE_* config).
   */
  pgliteSettings?: readonly string[];
  /**
   * PGlite: let V8 optimize its hot WebAssembly (TurboFan) as well. Default false: baseline code
   * only (Liftoff), about 45 MB less RSS. Process-wide: the first PGlite opened decides.
   */
  pgliteOptimizeWasm?: boolean;
  /** PostgreSQL: time to open a connection (and to wait for a pooled one). Default 5000 ms. */
  connectTimeoutMs?: number;
  /**
   * Time a query may take; 0: none (the migration step). Default 30000 ms. PostgreSQL: enforced by
   * the client (an unresponsive server too) and the server (statement_timeout). PGlite (which runs
   * in a worker thread): the worker is terminated and restarted from the data directory, the query
   * and any transaction it was in rejected with DatabaseTimeoutError; `memory://` cannot restart
   * and fails closed (every later call rejects, as after a storage fault).
   */
  queryTimeoutMs?: number;
  /** The variable that holds `url`, named in start-up errors. Default DATABASE_URL. */
  variable?: string;
  /**
   * PGlite: called once when a storage error (disk full, I/O, a PANIC) leaves the database unusable;
   * from then on every call fails at once with DatabaseUnavailableError and ping rejects.
   */
  onStorageFault?: (error: unknown) => void;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

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

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

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

interface PgliteQueryable {
  query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  exec(sql: string): Promise<unknown>;
}

/** What wrapPglite needs of a PGlite instance (a fake one in tests). */
export interface PgliteHandle extends PgliteQueryable {
  transaction<T>(fn: (tx: PgliteQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The Database over a PGlite instance, with a fault guard: after a storage fault (a WAL write on a
 * full disk is a PANIC, and PGlite's next query then spins the event loop forever) nothing reaches
 * PGlite again; calls and ping fail at once and `onStorageFault` runs once.
 */
export function wrapPglite(pg: PgliteHandle, onStorageFault: (error: unknown) => void, onClose: () => Promise<void> = async () => undefined): Database {
  let fault: unknown;
  const guarded = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (fault !== undefined) throw new DatabaseUnavailableError('the embedded database stopped after a storage error', { cause: fault });
    try {
      return await fn();
    } catch (error) {
      if (fault === undefined && isStorageFault(error)) {
        fault = error;
        onStorageFault(error);
      }
      throw error;
    }
  };
  const wrap = (target: PgliteQueryable): Queryable => ({
    query: <T>(sql: string, params?: unknown[]) => traceQuery('pglite', sql, () => guarded(async () => ({ rows: (await target.query<T>(sql, params)).rows }))),
    exec: (sql: string) =>
      traceQuery('pglite', sql, () =>
        guarded(async () => {
          await target.exec(sql);
        }),
      ),
  });
  const base = wrap(pg);
  let closed: Promise<void> | undefined;
  return {
    kind: 'pglite',
    ...base,
    transaction: (fn) => guarded(() => pg.transaction((tx) => fn(wrap(tx)))),
    ping: async () => {
      await base.query('SELECT 1');
    },
    // After a fault PGlite is left alone (closing it may spin too); the lock is released either way.
    close: () => (closed ??= (fault === undefined ? pg.close() : Promise.resolve()).finally(onClose)),
  };
}

// The worker behind each PGlite Database, for servePglite.
const threads = new WeakMap<Database, PgliteThread>();

async function openPglite(options: OpenDatabaseOptions): Promise<Database> {
  const inMemory = options.dataDir === MEMORY || options.dataDir === '';
  const dir = inMemory ? undefined : await preparePgliteDir(options.dataDir);
  // Taken before PGlite touches the directory, by this process (not the worker, which a timeout
  // replaces): a second process on it would lose one's writes.
  const lock = dir === undefined ? undefined : await lockPgliteDir(dir, options.dataDir);
  try {
    // PG_VERSION is what initdb writes first: without it the directory holds no database yet.
    // A missing template (a dev run from sources, before any build made it) just means initdb.
    const fromTemplate =
      dir !== undefined &&
      options.template !== undefined &&
      !(await exists(join(dir, 'PG_VERSION'))) &&
      (await exists(options.template instanceof URL ? fileURLToPath(options.template) : options.template));
    const template = fromTemplate ? new Uint8Array(await readFile(options.template!)) : undefined;
    const started = performance.now();
    if (options.pgliteOptimizeWasm !== true) useBaselineWasmOnly();
    const thread = await startPgliteThread({
      dataDir: dir ?? MEMORY,
      extensions: options.extensions ?? [],
      queryTimeoutMs: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
      settings: options.pgliteSettings ?? pgliteStartSettings(),
      ...(template && { template }),
      ...(options.logger !== undefined && { logger: options.logger }),
    }).catch((error: unknown) => {
      if (dir === undefined) throw error;
      throw pgliteDirError(options.dataDir, `could not be opened as a PGlite database (${describeError(error)})`);
    });
    options.logger?.info({ kind: 'pglite', dataDir: dir ?? MEMORY, fromTemplate, ms: Math.round(performance.now() - started) }, 'database opened');
    const onStorageFault =
      options.onStorageFault ??
      ((error: unknown) => options.logger?.error({ err: errorForLog(error), dataDir: dir }, 'PGlite storage error: the database is unusable'));
    // The worker stops before the lock goes: nothing may write the directory once another process can take it.
    const db = wrapPglite(thread, onStorageFault, async () => {
      await thread.terminate();
      await lock?.release();
    });
    threads.set(db, thread);
    return db;
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

/**
 * PGlite, from migrations to serving: runs `session` (SET ROLE) now and in every worker a timeout
 * restarts, then bounds each query by `queryTimeoutMs` (0: none), as the serving login's
 * DATABASE_QUERY_TIMEOUT_MS on PostgreSQL.
 */
export async function servePglite(db: Database, session: readonly string[], queryTimeoutMs: number): Promise<void> {
  const thread = threads.get(db);
  if (thread === undefined) throw new TypeError('servePglite: not a PGlite database from openDatabase');
  for (const sql of session) await thread.setSession(sql);
  thread.setQueryTimeout(queryTimeoutMs);
}

const URL_HINT = 'check the host, port and network, and that the server is running';

/** One line naming the variable for a connection that failed at start-up; undefined for other errors. */
export function connectError(error: unknown, url: string, variable: string, connectTimeoutMs: number): DatabaseSetupError | undefined {
  let where = 'the server';
  try {
    const parsed = new URL(url);
    where = `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
  } catch {
    // parseConfig has checked the URL; the message keeps the generic wording otherwise.
  }
  const rawCode = (error as { code?: unknown } | null)?.code;
  const code = typeof rawCode === 'string' ? rawCode : '';
  const message = describeError(error);
  const fail = (problem: string) => new DatabaseSetupError(`${variable}: ${problem}`, [variable]);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return fail(`the host name of ${where} does not resolve (${code}): ${URL_HINT}`);
  if (code === '28P01' || code === '3D000') return fail(`${where} refused the connection: ${message}`);
  if (/timeout/i.test(message) && !/^57014$/.test(code)) {
    return fail(`${where} did not answer within ${connectTimeoutMs} ms (DATABASE_CONNECT_TIMEOUT_MS): ${URL_HINT}`);
  }
  if (isDatabaseUnavailable(error)) return fail(`cannot connect to ${where} (${code || message}): ${URL_HINT}`);
  return undefined;
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const { default: pg } = await import('pg');
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // Also bounds the wait for a pooled connection when all are busy.
    connectionTimeoutMillis: connectTimeoutMs,
    // Client side: ends the call even when the server cannot answer (stopped, partitioned); the
    // client is then discarded. Server side (statement_timeout): the server stops the work too.
    ...(queryTimeoutMs > 0 && { query_timeout: queryTimeoutMs, statement_timeout: queryTimeoutMs }),
    // Dead peers (a vanished host, a dropped NAT entry) are noticed on idle connections.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'idle database client error'));

  interface PgQueryable {
    query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  }
  const wrap = (target: PgQueryable): Queryable => ({
    query: <T>(sql: string, params?: unknown[]) => traceQuery('postgresql', sql, async () => ({ rows: (await target.query(sql, params)).rows as T[] })),
    // Without parameters pg uses the simple query protocol, which accepts several statements.
    exec: (sql: string) =>
      traceQuery('postgresql', sql, async () => {
        await target.query(sql);
      }),
  });
  const base = wrap(pool);
  const db: Database = {
    kind: 'postgres',
    ...base,
    transaction: async (fn) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A timed-out or lost connection goes back to the pool as broken, so the pool discards it.
        if (isDatabaseUnavailable(error)) broken = error instanceof Error ? error : new Error(String(error));
        else await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release(broken);
      }
    },
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
  try {
    await db.ping();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw connectError(error, url, options.variable ?? 'DATABASE_URL', connectTimeoutMs) ?? error;
  }
  options.logger?.info({ kind: 'postgres', url: redactUrlCredentials(url) }, 'database opened');
  return db;
}
