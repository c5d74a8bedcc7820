import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationChecksumError, migrate, openDatabase, openServiceDatabase, type Database } from './index.js';

const BASIC = new URL('../__fixtures__/migrations/basic/', import.meta.url);
const VECTOR = new URL('../__fixtures__/migrations/vector/', import.meta.url);

/** Each PGlite initdb costs seconds here: one instance per describe block, shared by its tests. */
function databaseContract(label: string, open: () => Promise<Database>, expectedKind: Database['kind']) {
  describe(label, () => {
    let db: Database;
    let workDir: string;
    beforeAll(async () => {
      db = await open();
      workDir = await mkdtemp(join(tmpdir(), 'slipway-migrations-'));
      await cp(fileURLToPath(BASIC), workDir, { recursive: true });
      await db.exec('DROP TABLE IF EXISTS notes; DROP TABLE IF EXISTS items; DROP TABLE IF EXISTS slipway_migrations;');
    });
    afterAll(async () => {
      await db.exec('DROP TABLE IF EXISTS notes; DROP TABLE IF EXISTS items; DROP TABLE IF EXISTS slipway_migrations;');
      await db.close();
      await rm(workDir, { recursive: true, force: true });
    });

    it('reports its kind and answers ping', async () => {
      expect(db.kind).toBe(expectedKind);
      await expect(db.ping()).resolves.toBeUndefined();
    });

    it('applies migrations in order, then applies nothing on a second run', async () => {
      const first = await migrate(db, workDir);
      expect(first).toEqual({ applied: ['001_notes.sql', '002_seed.sql'], skipped: [] });
      const { rows } = await db.query<{ body: string }>('SELECT body FROM notes ORDER BY id');
      expect(rows.map((r) => r.body)).toEqual(['first', 'second']);
      const second = await migrate(db, workDir);
      expect(second).toEqual({ applied: [], skipped: ['001_notes.sql', '002_seed.sql'] });
      const recorded = await db.query<{ name: string; checksum: string }>('SELECT name, checksum FROM slipway_migrations ORDER BY name');
      expect(recorded.rows.map((r) => r.name)).toEqual(['001_notes.sql', '002_seed.sql']);
      expect(recorded.rows[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
    });

    it('rejects a changed migration, naming the file', async () => {
      await writeFile(join(workDir, '002_seed.sql'), "INSERT INTO notes (body) VALUES ('sneaky');\n");
      const error = await migrate(db, workDir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationChecksumError);
      expect((error as Error).message).toContain('002_seed.sql');
      const { rows } = await db.query('SELECT 1 FROM notes WHERE body = $1', ['sneaky']);
      expect(rows).toHaveLength(0);
    });

    it('rolls a failing migration back entirely', async () => {
      await writeFile(join(workDir, '003_broken.sql'), 'CREATE TABLE half_done (id int); SELECT * FROM missing_table;');
      await expect(migrate(db, workDir)).rejects.toThrow();
      const { rows } = await db.query("SELECT to_regclass('half_done') AS t");
      expect(rows[0]).toEqual({ t: null });
      const { rows: recorded } = await db.query("SELECT 1 FROM slipway_migrations WHERE name = '003_broken.sql'");
      expect(recorded).toHaveLength(0);
    });

    it('commits and rolls back transactions', async () => {
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO notes (body) VALUES ($1)', ['committed']);
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO notes (body) VALUES ($1)', ['rolled back']);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const { rows } = await db.query<{ body: string }>("SELECT body FROM notes WHERE body IN ('committed', 'rolled back')");
      expect(rows.map((r) => r.body)).toEqual(['committed']);
    });
  });
}

databaseContract('PGlite in memory', () => openDatabase({ dataDir: 'memory://' }), 'pglite');

describe('PGlite with pgvector', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://', extensions: ['vector'] });
  });
  afterAll(() => db.close());

  it('runs a vector migration and a <=> nearest-neighbour query', async () => {
    expect(await migrate(db, VECTOR)).toEqual({ applied: ['001_vector.sql'], skipped: [] });
    const { rows } = await db.query<{ id: number }>('SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 2', ['[1,0,0]']);
    expect(rows.map((r) => r.id)).toEqual([1, 3]);
  });
});

describe('PGlite on disk', () => {
  let dataRoot: string;
  beforeAll(async () => {
    dataRoot = await mkdtemp(join(tmpdir(), 'slipway-pglite-'));
  });
  afterAll(() => rm(dataRoot, { recursive: true, force: true }));

  it('creates the data directory, persists across reopen, and openServiceDatabase migrates', async () => {
    const config = { PGLITE_DATA_DIR: join(dataRoot, 'nested', 'pglite'), DATABASE_URL: undefined };
    const first = await openServiceDatabase(config, { migrationsDir: BASIC });
    await first.query('INSERT INTO notes (body) VALUES ($1)', ['persisted']);
    await first.close();

    const second = await openServiceDatabase(config, { migrationsDir: BASIC });
    try {
      const { rows } = await second.query<{ body: string }>('SELECT body FROM notes ORDER BY id');
      expect(rows.map((r) => r.body)).toEqual(['first', 'second', 'persisted']);
      const { rows: recorded } = await second.query('SELECT name FROM slipway_migrations');
      expect(recorded).toHaveLength(2);
    } finally {
      await second.close();
    }
  });
});

const POSTGRES_URL = process.env['SLIPWAY_TEST_DATABASE_URL'];

describe.skipIf(POSTGRES_URL === undefined)('PostgreSQL server (SLIPWAY_TEST_DATABASE_URL)', () => {
  databaseContract('pg Pool', () => openDatabase({ url: POSTGRES_URL ?? '', dataDir: 'unused' }), 'postgres');

  it('does not double-apply when replicas migrate concurrently', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-concurrent-'));
    await writeFile(join(dir, '001_counter.sql'), 'CREATE TABLE concurrent_counter (n int); INSERT INTO concurrent_counter VALUES (1);');
    const replicas = await Promise.all([1, 2, 3].map(() => openDatabase({ url: POSTGRES_URL ?? '', dataDir: 'unused' })));
    try {
      await replicas[0]!.exec("DROP TABLE IF EXISTS concurrent_counter; DELETE FROM slipway_migrations WHERE name = '001_counter.sql';").catch(() => undefined);
      const results = await Promise.all(replicas.map((db) => migrate(db, dir)));
      expect(results.flatMap((r) => r.applied)).toEqual(['001_counter.sql']);
      const { rows } = await replicas[0]!.query('SELECT n FROM concurrent_counter');
      expect(rows).toHaveLength(1);
    } finally {
      await replicas[0]!.exec("DROP TABLE IF EXISTS concurrent_counter; DELETE FROM slipway_migrations WHERE name = '001_counter.sql';");
      await Promise.all(replicas.map((db) => db.close()));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
