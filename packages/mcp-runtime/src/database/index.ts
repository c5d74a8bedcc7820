import type { Logger } from 'pino';
import { migrate } from './migrate.js';
import { openDatabase } from './open.js';
import type { Database, DatabaseExtension } from './types.js';

export { createPgliteTemplate, openDatabase, type OpenDatabaseOptions } from './open.js';
export { migrate, MigrationChecksumError, type MigrationResult } from './migrate.js';
export type { Database, DatabaseExtension, Queryable, QueryResult } from './types.js';

/** Opens the service database from config (DATABASE_URL, else PGlite in PGLITE_DATA_DIR) and migrates it. */
export async function openServiceDatabase(
  config: { DATABASE_URL?: string | undefined; PGLITE_DATA_DIR: string },
  options: {
    migrationsDir: string | URL;
    extensions?: DatabaseExtension[];
    logger?: Logger;
    /** A PGlite data-directory template (createPgliteTemplate), used when the data directory is new. */
    pgliteTemplate?: string | URL;
  },
): Promise<Database> {
  const db = await openDatabase({
    ...(config.DATABASE_URL !== undefined && { url: config.DATABASE_URL }),
    dataDir: config.PGLITE_DATA_DIR,
    ...(options.pgliteTemplate !== undefined && { template: options.pgliteTemplate }),
    ...(options.extensions !== undefined && { extensions: options.extensions }),
    ...(options.logger !== undefined && { logger: options.logger }),
  });
  try {
    await migrate(db, options.migrationsDir, options.logger);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}
