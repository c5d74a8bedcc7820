import { startPostgres, type PostgresServer } from './postgres.js';

let server: PostgresServer | undefined;

/**
 * Unit specs that need a real PostgreSQL (the runtime's `pg` path) read SLIPWAY_TEST_DATABASE_URL.
 * Unless it is set already, start a throw-away server for the run (installed with apt when
 * missing, as root). `SLIPWAY_NO_POSTGRES=1` skips it, and those specs say they are skipped.
 */
export async function setup(): Promise<void> {
  if (process.env['SLIPWAY_TEST_DATABASE_URL'] || process.env['SLIPWAY_NO_POSTGRES']) return;
  server = await startPostgres();
  process.env['SLIPWAY_TEST_DATABASE_URL'] = server.url;
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
