export { createPgliteTemplate, openDatabase, type OpenDatabaseOptions } from './open.js';
export { migrate, MigrationChecksumError, MIGRATIONS_TABLE, pendingMigrations, type MigrationResult } from './migrate.js';
export { DatabaseSetupError, exitOnDatabaseError } from './errors.js';
export { assertLeastPrivilege, ensureLogin, grantServingLogin, loginFromUrl, type Login, type LoginContext } from './roles.js';
export { openServiceDatabase, PGLITE_SERVING_ROLE, runMigrationStep, type ServiceDatabaseConfig, type ServiceDatabaseOptions } from './service.js';
export { PGLITE_SETTINGS, pgliteStartSettings, type PgliteSettingsConfig } from './pglite-settings.js';
export type { Database, DatabaseExtension, Queryable, QueryResult } from './types.js';
