import { ConfigError } from '../config.js';
import { MigrationChecksumError } from './migrate.js';

/**
 * A database set-up the service refuses to run with (a privileged serving login, pending migrations,
 * a missing owner credential): a one-line message naming the variable(s) and the fix, like ConfigError.
 */
export class DatabaseSetupError extends ConfigError {
  override readonly name: string = 'DatabaseSetupError';
}

/**
 * For an entry point's `openDatabase(...).catch(exitOnDatabaseError)`: a set-up problem becomes its one
 * line on stderr and exit code 1, as a bad variable does in loadConfig; anything else is rethrown.
 */
export function exitOnDatabaseError(error: unknown): never {
  if (error instanceof ConfigError || error instanceof MigrationChecksumError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
