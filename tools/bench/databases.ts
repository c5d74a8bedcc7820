import { join } from 'node:path';
import { loginUrl, startPostgres, type PostgresServer } from '../../test/support/postgres.js';
import { freePort, startServer } from './processes.js';

/** Seeded databases for the database-backed tool: the generated service migrates them, the bench seeds them. */

export const SEEDED_NOTES = 1000;
const SEED_SQL = `INSERT INTO notes (title, body) SELECT 'Note ' || g, 'Body of note ' || g || '. Slipway benchmark data.' FROM generate_series(1, ${SEEDED_NOTES}) AS g`;

/** Starts the generated service once so that its own migrations create the schema, then stops it. */
async function migrateWithService(service: string, env: NodeJS.ProcessEnv, logFile: string): Promise<number> {
  const port = await freePort();
  const server = await startServer({
    command: process.execPath,
    args: ['dist/main.js'],
    cwd: service,
    env: { PATH: process.env['PATH'], PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    port,
    readinessPath: '/readyz',
    logFile,
    timeoutMs: 120_000,
  });
  await server.stop();
  return server.readyMs;
}

/** A PGlite data directory with the service's schema and SEEDED_NOTES rows; returns the first start's time too. */
export async function seedPglite(service: string, dir: string, work: string): Promise<{ dir: string; firstStartMs: number }> {
  const firstStartMs = await migrateWithService(service, { PGLITE_DATA_DIR: dir }, join(work, 'logs', 'pglite-template.log'));
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dir);
  await db.exec(SEED_SQL);
  await db.close();
  return { dir, firstStartMs };
}

/**
 * A throw-away PostgreSQL server (test/support/postgres.ts), migrated by the service with the superuser as
 * owner and seeded; its `url` is the service's own login, as the service refuses to serve as the superuser.
 */
export async function seedPostgres(service: string, work: string): Promise<PostgresServer> {
  const postgres = await startPostgres();
  const serving = loginUrl(postgres, 'bench_app');
  try {
    await migrateWithService(service, { DATABASE_MIGRATION_URL: postgres.url, DATABASE_URL: serving }, join(work, 'logs', 'postgres-migrate.log'));
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    await client.query(SEED_SQL);
    await client.end();
    return { version: postgres.version, url: serving, stop: () => postgres.stop() };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}
