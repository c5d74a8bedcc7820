import type { Logger } from 'pino';
import { RATE_BUCKETS_DDL } from '../limits/buckets.js';
import { DatabaseSetupError } from './errors.js';
import { describeError, errorForLog } from './faults.js';
import { migrate, pendingMigrations, type MigrationResult } from './migrate.js';
import { DEFAULT_QUERY_TIMEOUT_MS, openDatabase, servePglite, type OpenDatabaseOptions } from './open.js';
import { assertLeastPrivilege, currentRole, ensureRole, grantServingLogin, loginFromUrl, type Login, type LoginContext } from './roles.js';
import { pgliteStartSettings, type PgliteSettingsConfig } from './pglite-settings.js';
import type { Database, DatabaseExtension } from './types.js';

export interface ServiceDatabaseConfig extends PgliteSettingsConfig {
  /** The serving login (least privilege); unset for the embedded PGlite. */
  DATABASE_URL?: string | undefined;
  /** The owner login, used only by the migration step. */
  DATABASE_MIGRATION_URL?: string | undefined;
  PGLITE_DATA_DIR: string;
  PGLITE_OPTIMIZE_WASM?: boolean | undefined;
  /** PostgreSQL connect timeout (default 5000 ms). */
  DATABASE_CONNECT_TIMEOUT_MS?: number | undefined;
  /** PostgreSQL query timeout for the serving login (default 30000 ms); the migration step has none. */
  DATABASE_QUERY_TIMEOUT_MS?: number | undefined;
}

export interface ServiceDatabaseOptions {
  migrationsDir: string | URL;
  extensions?: DatabaseExtension[];
  logger?: Logger;
  /** A PGlite data-directory template (createPgliteTemplate), used when the data directory is new. */
  pgliteTemplate?: string | URL;
  /** Group roles (made by the migrations) the serving login is made a member of. */
  appRoles?: readonly string[];
  /** Runs after the migrations, as the owner: seeding, and grants beyond the generic ones. */
  afterMigrate?: (owner: Database) => Promise<void>;
  /**
   * PGlite: what a storage error (disk full, I/O) that leaves the database unusable does. Default:
   * log it, write one line to stderr and exit 1 a second later, for the orchestrator to restart the
   * process (PGlite recovers from its WAL once there is space).
   */
  onStorageFault?: (error: unknown) => void;
}

// Long enough for in-flight calls to get their error and a probe to see 503, short enough to restart soon.
const STORAGE_FAULT_EXIT_DELAY_MS = 1_000;

function exitOnStorageFault(dataDir: string, logger: Logger | undefined): (error: unknown) => void {
  return (error) => {
    const line = `PGLITE_DATA_DIR ${JSON.stringify(dataDir)}: the embedded database stopped on a storage error: ${describeError(error)}; exiting for a restart (it recovers from its WAL once the storage is writable again)`;
    logger?.fatal({ err: errorForLog(error) }, line);
    process.stderr.write(`${line}\n`);
    setTimeout(() => process.exit(1), STORAGE_FAULT_EXIT_DELAY_MS);
  };
}

function postgresTimeouts(config: ServiceDatabaseConfig): Pick<OpenDatabaseOptions, 'connectTimeoutMs' | 'queryTimeoutMs'> {
  return {
    ...(config.DATABASE_CONNECT_TIMEOUT_MS !== undefined && { connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS }),
    ...(config.DATABASE_QUERY_TIMEOUT_MS !== undefined && { queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS }),
  };
}

/**
 * On PGlite everything runs in one session of the bootstrap superuser: the serving connection does
 * SET ROLE to this role. A guard rail, not a boundary: SQL that runs RESET ROLE is superuser again.
 */
export const PGLITE_SERVING_ROLE = 'slipway_app';
const PGLITE_CONTEXT: LoginContext = { variable: 'The PGlite serving role' };

const set = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

/** The two PostgreSQL URLs, or undefined for PGlite; half a pair that cannot work is an error. */
function postgresUrls(config: ServiceDatabaseConfig): { serving: string; owner: string | undefined } | undefined {
  const serving = set(config.DATABASE_URL);
  const owner = set(config.DATABASE_MIGRATION_URL);
  if (serving !== undefined) return { serving, owner };
  if (owner !== undefined) {
    throw new DatabaseSetupError(
      "DATABASE_MIGRATION_URL is set but DATABASE_URL is not: set DATABASE_URL to the service's own login (the migration step creates it), or unset both for the embedded PGlite",
      ['DATABASE_URL'],
    );
  }
  return undefined;
}

function pgliteOptions(config: ServiceDatabaseConfig, options: ServiceDatabaseOptions): OpenDatabaseOptions {
  return {
    dataDir: config.PGLITE_DATA_DIR,
    pgliteSettings: pgliteStartSettings(config),
    ...(config.PGLITE_OPTIMIZE_WASM !== undefined && { pgliteOptimizeWasm: config.PGLITE_OPTIMIZE_WASM }),
    ...(options.pgliteTemplate !== undefined && { template: options.pgliteTemplate }),
    ...(options.extensions !== undefined && { extensions: options.extensions }),
    ...(options.logger !== undefined && { logger: options.logger }),
    // Migrations and seeding run as the owner, unbounded as on PostgreSQL; servePglite sets the timeout.
    queryTimeoutMs: 0,
    onStorageFault: options.onStorageFault ?? exitOnStorageFault(config.PGLITE_DATA_DIR, options.logger),
  };
}

/** As the owner: the serving login exists and is unprivileged, migrations, seeding, then its grants. */
async function migrateAsOwner(owner: Database, login: Login, context: LoginContext, options: ServiceDatabaseOptions): Promise<MigrationResult> {
  const { created } = await ensureRole(owner, login, context);
  if (created) options.logger?.info({ login: login.name }, 'serving login created');
  const result = await migrate(owner, options.migrationsDir, options.logger);
  await options.afterMigrate?.(owner);
  // The runtime's own table: rate-limit buckets shared by replicas (PGlite keeps them in memory).
  if (owner.kind === 'postgres') await owner.exec(RATE_BUCKETS_DDL);
  await grantServingLogin(owner, login.name, context, options.appRoles ?? []);
  return result;
}

/**
 * The migration step (`npm run migrate`, `node dist/migrate.js`): logs in with DATABASE_MIGRATION_URL
 * (the owner), ensures DATABASE_URL's login exists and holds no more than its grants, applies the
 * migrations, runs `afterMigrate` as the owner, then grants the serving login read/write on the
 * tables of schema public (the ledger read-only) and membership of `appRoles`. On PGlite (no
 * DATABASE_URL) the same, as the bootstrap superuser, for the serving role PGLITE_SERVING_ROLE.
 */
export async function runMigrationStep(config: ServiceDatabaseConfig, options: ServiceDatabaseOptions): Promise<MigrationResult> {
  const urls = postgresUrls(config);
  if (urls === undefined) {
    const db = await openDatabase(pgliteOptions(config, options));
    try {
      return await migrateAsOwner(db, { name: PGLITE_SERVING_ROLE }, PGLITE_CONTEXT, options);
    } finally {
      await db.close();
    }
  }
  if (urls.owner === undefined) {
    throw new DatabaseSetupError(
      "DATABASE_MIGRATION_URL is not set: the migration step logs in as the owner of the service's tables (DATABASE_MIGRATION_URL) and creates or checks the service's own login (DATABASE_URL)",
      ['DATABASE_MIGRATION_URL'],
    );
  }
  const login = loginFromUrl(urls.serving);
  const owner = await openDatabase({
    url: urls.owner,
    dataDir: '',
    poolSize: 2,
    variable: 'DATABASE_MIGRATION_URL',
    ...postgresTimeouts(config),
    // Migrations may legitimately run long (index builds): no query timeout for the owner.
    queryTimeoutMs: 0,
    ...(options.logger !== undefined && { logger: options.logger }),
  });
  try {
    return await migrateAsOwner(owner, login, { variable: 'DATABASE_URL', url: urls.serving }, options);
  } finally {
    await owner.close();
  }
}

/**
 * Opens the service database for serving. PostgreSQL: with DATABASE_MIGRATION_URL set (local dev,
 * tests) the migration step runs first and its owner pool is closed; without it, the migrations must
 * have been applied by `npm run migrate`. Either way the serving login (DATABASE_URL) is refused if it
 * could step past its grants. PGlite: migrations as the bootstrap superuser, then SET ROLE to
 * PGLITE_SERVING_ROLE.
 */
export async function openServiceDatabase(config: ServiceDatabaseConfig, options: ServiceDatabaseOptions): Promise<Database> {
  const urls = postgresUrls(config);
  if (urls === undefined) return openPgliteService(config, options);
  if (urls.owner !== undefined) await runMigrationStep(config, options);
  const db = await openDatabase({
    url: urls.serving,
    dataDir: '',
    ...postgresTimeouts(config),
    ...(options.logger !== undefined && { logger: options.logger }),
  }).catch((error: unknown) => {
    // 28000 invalid_authorization_specification: `role "x" does not exist`, before the first migration step.
    if ((error as { code?: unknown }).code === '28000' && /does not exist/.test(String((error as Error).message))) {
      const login = loginFromUrl(urls.serving).name;
      throw new DatabaseSetupError(
        `DATABASE_URL's login ${login} does not exist: run \`npm run migrate\` with DATABASE_MIGRATION_URL (the owner login) and DATABASE_URL set, which creates it`,
        ['DATABASE_URL'],
      );
    }
    throw error;
  });
  try {
    await assertLeastPrivilege(db, await currentRole(db), { variable: 'DATABASE_URL', url: urls.serving });
    if (urls.owner === undefined) await assertMigrated(db, options.migrationsDir);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}

async function assertMigrated(db: Database, migrationsDir: string | URL): Promise<void> {
  const pending = await pendingMigrations(db, migrationsDir).catch((error: unknown) => {
    // 42501: insufficient_privilege, on the ledger the migration step grants read access to.
    if ((error as { code?: unknown }).code === '42501') {
      throw new DatabaseSetupError(
        "DATABASE_URL's login cannot read the migrations ledger (slipway_migrations): run `npm run migrate` with DATABASE_MIGRATION_URL set, which grants it",
        ['DATABASE_MIGRATION_URL'],
      );
    }
    throw error;
  });
  if (pending.length > 0) {
    throw new DatabaseSetupError(
      `${pending.length} migration${pending.length === 1 ? ' is' : 's are'} not applied (${pending.join(', ')}): run \`npm run migrate\` ` +
        'with DATABASE_MIGRATION_URL (the owner login) and DATABASE_URL set, or set DATABASE_MIGRATION_URL here to migrate at start-up',
      ['DATABASE_MIGRATION_URL'],
    );
  }
}

async function openPgliteService(config: ServiceDatabaseConfig, options: ServiceDatabaseOptions): Promise<Database> {
  const db = await openDatabase(pgliteOptions(config, options));
  try {
    await migrateAsOwner(db, { name: PGLITE_SERVING_ROLE }, PGLITE_CONTEXT, options);
    // SET ROLE rather than reopening with PGlite's `username` (which keeps session_user the superuser too);
    // a worker restarted after a query timeout gets it again.
    await servePglite(db, [`SET ROLE ${PGLITE_SERVING_ROLE}`], config.DATABASE_QUERY_TIMEOUT_MS ?? DEFAULT_QUERY_TIMEOUT_MS);
    await assertLeastPrivilege(db, await currentRole(db), PGLITE_CONTEXT);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}
