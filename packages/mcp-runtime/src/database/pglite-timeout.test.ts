import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DatabaseTimeoutError, DatabaseUnavailableError, isDatabaseUnavailable } from './faults.js';
import { createPgliteTemplate, openDatabase, openServiceDatabase, PGLITE_SERVING_ROLE, type Database } from './index.js';

const BASIC = new URL('../__fixtures__/migrations/basic/', import.meta.url);
// Seconds of work on PGlite for 1e9 rows, far longer at 1e11: only the timeout ends it.
const HEAVY = 'SELECT count(*) FROM generate_series(1, (SELECT 100000000000))';
const TIMEOUT_MS = 1_000;

/** The longest the main event loop went without running a 5 ms timer, while `work` ran. */
async function maxLag<T>(work: () => Promise<T>): Promise<{ lag: number; outcome: unknown; ms: number }> {
  let lag = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lag = Math.max(lag, now - last - 5);
    last = now;
  }, 5);
  const started = performance.now();
  try {
    const outcome = await work().catch((error: unknown) => error);
    return { lag, outcome, ms: performance.now() - started };
  } finally {
    clearInterval(timer);
  }
}

describe('PGlite query timeout (worker thread)', () => {
  let root: string;
  let template: string;
  let db: Database;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-pglite-timeout-'));
    template = join(root, 'template.tgz');
    await createPgliteTemplate(template);
    db = await openServiceDatabase(
      { PGLITE_DATA_DIR: join(root, 'data'), DATABASE_QUERY_TIMEOUT_MS: TIMEOUT_MS },
      { migrationsDir: BASIC, pgliteTemplate: template, onStorageFault: () => undefined },
    );
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('stops a runaway query at its timeout without holding the event loop, then serves the data as the serving role', async () => {
    await db.query('INSERT INTO notes (body) VALUES ($1)', ['kept']);
    const { lag, outcome, ms } = await maxLag(() => db.query(HEAVY));
    expect(outcome).toBeInstanceOf(DatabaseTimeoutError);
    expect(isDatabaseUnavailable(outcome)).toBe(true);
    expect((outcome as { code?: string }).code).toBe('57014');
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(ms).toBeLessThan(TIMEOUT_MS + 500);
    expect(lag).toBeLessThan(100);

    // Queued behind the restart (WAL recovery), then answered by the new worker, with the SET ROLE again.
    const after = await maxLag(() => db.query<{ body: string; role: string }>('SELECT body, current_user AS role FROM notes ORDER BY id'));
    expect(after.lag).toBeLessThan(100);
    const rows = (after.outcome as { rows: Array<{ body: string; role: string }> }).rows;
    expect(rows.map((r) => r.body)).toEqual(['first', 'second', 'kept']);
    expect(rows[0]?.role).toBe(PGLITE_SERVING_ROLE);
  }, 60_000);

  it('rolls back a transaction cut by the timeout; callers queued behind it continue after the restart', async () => {
    let queued: Promise<unknown> | undefined;
    const cut = db.transaction(async (tx) => {
      await tx.query('INSERT INTO notes (body) VALUES ($1)', ['doomed']);
      queued = db.query<{ n: number }>("SELECT count(*)::int AS n FROM notes WHERE body = 'kept'");
      await tx.query(HEAVY);
    });
    await expect(cut).rejects.toBeInstanceOf(DatabaseTimeoutError);
    await expect(queued).resolves.toEqual({ rows: [{ n: 1 }] });
    const { rows } = await db.query("SELECT 1 FROM notes WHERE body = 'doomed'");
    expect(rows).toHaveLength(0);
  }, 60_000);

  it('a callback that swallows the timeout cannot go on in, nor commit, the lost transaction', async () => {
    let afterwards: unknown;
    const swallowed = db.transaction(async (tx) => {
      await tx.query('INSERT INTO notes (body) VALUES ($1)', ['swallowed']);
      await tx.query(HEAVY).catch(() => undefined);
      afterwards = await tx.query('SELECT 1').catch((error: unknown) => error);
      return 'done';
    });
    const error = await swallowed.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(String((error as Error).message)).toMatch(/rolled back/);
    expect(afterwards).toBeInstanceOf(DatabaseUnavailableError);
    const { rows } = await db.query("SELECT 1 FROM notes WHERE body = 'swallowed'");
    expect(rows).toHaveLength(0);
  }, 60_000);

  it('gives migrations no timeout: a migration longer than DATABASE_QUERY_TIMEOUT_MS completes, then serving is bounded', async () => {
    const migrations = join(root, 'slow-migrations');
    await mkdir(migrations);
    const work = 'SELECT count(*) AS n FROM generate_series(1, 5000000)';
    await writeFile(join(migrations, '001_slow.sql'), `CREATE TABLE slow AS ${work};`);
    const slow = await openServiceDatabase(
      { PGLITE_DATA_DIR: join(root, 'slow'), DATABASE_QUERY_TIMEOUT_MS: 100 },
      { migrationsDir: migrations, pgliteTemplate: template, onStorageFault: () => undefined },
    );
    try {
      await expect(slow.query('SELECT n FROM slow')).resolves.toEqual({ rows: [{ n: 5_000_000 }] });
      // The same work as the serving role runs past the timeout: the migration was not cut off.
      await expect(slow.query(work)).rejects.toBeInstanceOf(DatabaseTimeoutError);
    } finally {
      await slow.close();
    }
  }, 120_000);

  it('closes cleanly while a restart is under way; the directory opens again with its data', async () => {
    const dataDir = join(root, 'closing');
    const first = await openDatabase({ dataDir, template, queryTimeoutMs: 500 });
    await first.exec('CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)');
    await expect(first.query(HEAVY)).rejects.toBeInstanceOf(DatabaseTimeoutError);
    const queued = first.query('SELECT 1').catch((error: unknown) => error);
    await first.close();
    expect(await queued).toBeDefined();
    const again = await openDatabase({ dataDir, queryTimeoutMs: 500 });
    try {
      await expect(again.query('SELECT id FROM kept')).resolves.toEqual({ rows: [{ id: 7 }] });
    } finally {
      await again.close();
    }
  }, 60_000);
});

describe('PGlite memory:// query timeout', () => {
  it('fails closed: the timed-out query gets the timeout error, every later call DatabaseUnavailableError, the fault hook runs once', async () => {
    const onStorageFault = vi.fn();
    const db = await openDatabase({ dataDir: 'memory://', queryTimeoutMs: TIMEOUT_MS, onStorageFault });
    try {
      await expect(db.query(HEAVY)).rejects.toBeInstanceOf(DatabaseTimeoutError);
      await expect(db.query('SELECT 1')).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(db.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError);
      expect(onStorageFault).toHaveBeenCalledTimes(1);
    } finally {
      await db.close();
    }
  }, 120_000);
});
