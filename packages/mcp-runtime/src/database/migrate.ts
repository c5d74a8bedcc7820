import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Database, Queryable } from './types.js';

export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

/** A migration whose file changed after it was applied. */
export class MigrationChecksumError extends Error {
  override readonly name = 'MigrationChecksumError';
  constructor(readonly migration: string) {
    super(`Migration ${migration} was changed after it was applied (checksum mismatch); add a new migration instead`);
  }
}

// One fixed key, so every replica of every service serialises migrations on the same advisory lock.
const ADVISORY_LOCK_KEY = 0x51_1b_2a_7e;
/** The ledger of applied migrations: the serving login may read it, never write it. */
export const MIGRATIONS_TABLE = 'slipway_migrations';
const TABLE = MIGRATIONS_TABLE;

/** Serialises a migration-step transaction (migrations, role and grant changes) across replicas. */
export async function lockMigrations(db: Database, tx: Queryable): Promise<void> {
  // PGlite is single-connection, so there is nothing to lock against.
  if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK_KEY]);
}

function checksumOf(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

async function readMigrations(migrationsDir: string | URL): Promise<Array<{ name: string; sql: string; checksum: string }>> {
  const dir = typeof migrationsDir === 'string' ? migrationsDir : fileURLToPath(migrationsDir);
  const names = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    }),
  );
}

/**
 * The migrations in `migrationsDir` not recorded yet, read-only (the serving login only reads the
 * ledger). An applied file that changed is a MigrationChecksumError, as in migrate.
 */
export async function pendingMigrations(db: Queryable, migrationsDir: string | URL): Promise<string[]> {
  const files = await readMigrations(migrationsDir);
  const { rows: present } = await db.query<{ present: boolean }>(`SELECT to_regclass('${TABLE}') IS NOT NULL AS present`);
  if (present[0]?.present !== true) return files.map((file) => file.name);
  const { rows } = await db.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${TABLE}`);
  const applied = new Map(rows.map((row) => [row.name, row.checksum]));
  const changed = files.find((file) => applied.has(file.name) && applied.get(file.name) !== file.checksum);
  if (changed !== undefined) throw new MigrationChecksumError(changed.name);
  return files.filter((file) => !applied.has(file.name)).map((file) => file.name);
}

/**
 * Applies `*.sql` files from `migrationsDir` in lexical order, each in its own transaction, recording
 * them in `slipway_migrations`. Already-applied files are skipped; an applied file that changed is an error.
 */
export async function migrate(db: Database, migrationsDir: string | URL, logger?: Logger): Promise<MigrationResult> {
  const files = await readMigrations(migrationsDir);
  await db.transaction(async (tx) => {
    await lockMigrations(db, tx);
    await tx.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  });

  const result: MigrationResult = { applied: [], skipped: [] };
  for (const { name, sql, checksum } of files) {
    const applied = await db.transaction(async (tx) => {
      await lockMigrations(db, tx);
      const { rows } = await tx.query<{ checksum: string }>(`SELECT checksum FROM ${TABLE} WHERE name = $1`, [name]);
      const existing = rows[0];
      if (existing !== undefined) {
        if (existing.checksum !== checksum) throw new MigrationChecksumError(name);
        return false;
      }
      await tx.exec(sql);
      await tx.query(`INSERT INTO ${TABLE} (name, checksum) VALUES ($1, $2)`, [name, checksum]);
      return true;
    });
    (applied ? result.applied : result.skipped).push(name);
    if (applied) logger?.info({ migration: name }, 'migration applied');
  }
  logger?.info({ applied: result.applied.length, skipped: result.skipped.length }, 'migrations complete');
  return result;
}
