import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseSetupError, ensureLogin, openDatabase, openServiceDatabase, PGLITE_SERVING_ROLE, runMigrationStep, type Database } from './index.js';

const BASIC = new URL('../__fixtures__/migrations/basic/', import.meta.url);
const SUPERUSER_URL = process.env['SLIPWAY_TEST_DATABASE_URL'];

const suffix = () => randomBytes(4).toString('hex');
/** `url` with another login (and password), and optionally another database. */
function withLogin(url: string, user: string, password?: string, database?: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = password === undefined ? '' : encodeURIComponent(password);
  if (database !== undefined) parsed.pathname = `/${database}`;
  return parsed.toString();
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );

/** True when `password` matches a stored SCRAM-SHA-256 verifier (the test server trusts every login). */
function scramMatches(verifier: string, password: string): boolean {
  const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):/.exec(verifier);
  if (match === null) return false;
  const salted = pbkdf2Sync(password, Buffer.from(match[2]!, 'base64'), Number(match[1]), 32, 'sha256');
  const storedKey = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest('base64');
  return storedKey === match[3];
}

describe.skipIf(SUPERUSER_URL === undefined)('least-privilege logins on PostgreSQL', () => {
  let admin: Database;
  let databaseName: string;
  /** The superuser, on this file's own database: the owner credential in these tests. */
  let ownerUrl: string;
  const roles: string[] = [];
  const role = (prefix: string) => {
    const name = `${prefix}_${suffix()}`;
    roles.push(name);
    return name;
  };

  beforeAll(async () => {
    admin = await openDatabase({ url: SUPERUSER_URL ?? '', dataDir: '' });
    databaseName = `least_privilege_${suffix()}`;
    await admin.exec(`CREATE DATABASE ${databaseName}`);
    ownerUrl = withLogin(SUPERUSER_URL ?? '', 'postgres', undefined, databaseName);
  });

  afterAll(async () => {
    await admin.exec(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    for (const name of roles) await admin.exec(`DROP ROLE IF EXISTS "${name}"`);
    await admin.close();
  });

  it('the migration step creates the serving login, which cannot write the ledger, create tables or read past its grants', async () => {
    const login = role('orders_app');
    const password = `it's "quoted"; \\ $1 %`;
    const appUrl = withLogin(ownerUrl, login, password);
    const owner = await openDatabase({ url: ownerUrl, dataDir: '' });
    await owner.exec("CREATE SCHEMA private; CREATE TABLE private.secrets (v text); INSERT INTO private.secrets VALUES ('s')");
    await owner.close();

    const config = { DATABASE_URL: appUrl, DATABASE_MIGRATION_URL: ownerUrl, PGLITE_DATA_DIR: 'unused' };
    expect(await runMigrationStep(config, { migrationsDir: BASIC })).toEqual({ applied: ['001_notes.sql', '002_seed.sql'], skipped: [] });
    // A second run applies nothing and leaves the login as it is.
    expect(await runMigrationStep(config, { migrationsDir: BASIC })).toEqual({ applied: [], skipped: ['001_notes.sql', '002_seed.sql'] });

    const { rows } = await admin.query<Record<string, unknown>>(
      'SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolinherit, rolcanlogin, rolpassword FROM pg_authid WHERE rolname = $1',
      [login],
    );
    expect(rows[0]).toMatchObject({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false, rolinherit: true, rolcanlogin: true });
    expect(scramMatches(String(rows[0]?.['rolpassword']), password), 'the password from the URL, quoted safely').toBe(true);

    const app = await openServiceDatabase({ DATABASE_URL: appUrl, PGLITE_DATA_DIR: 'unused' }, { migrationsDir: BASIC });
    try {
      await app.query('INSERT INTO notes (body) VALUES ($1)', ['by the app']);
      await app.query('UPDATE notes SET body = body WHERE id = 1');
      expect((await app.query('SELECT count(*)::int AS n FROM notes')).rows).toEqual([{ n: 3 }]);
      expect((await app.query('SELECT count(*)::int AS n FROM slipway_migrations')).rows).toEqual([{ n: 2 }]);
      for (const sql of [
        "INSERT INTO slipway_migrations (name, checksum) VALUES ('x', 'y')",
        'DELETE FROM slipway_migrations',
        'TRUNCATE notes',
        'CREATE TABLE sneaky (id int)',
        'DROP TABLE notes',
        'ALTER TABLE notes ADD COLUMN x int',
        'SELECT * FROM private.secrets',
        'CREATE SCHEMA sneaky',
        'CREATE ROLE sneaky',
        "COPY notes TO PROGRAM 'true'",
      ]) {
        expect((await rejection(app.exec(sql)))?.message, sql).toMatch(/permission denied|must be/);
      }
    } finally {
      await app.close();
    }
  });

  it('refuses a superuser, owner or privileged DATABASE_URL with one line naming it and the fix', async () => {
    const owner = await openDatabase({ url: ownerUrl, dataDir: '' });
    const tableOwner = role('owner');
    const member = role('member');
    const creator = role('creator');
    const bypasser = role('bypasser');
    await owner.exec(
      `CREATE ROLE ${tableOwner} LOGIN; CREATE TABLE owned (id int); ALTER TABLE owned OWNER TO ${tableOwner};
       CREATE ROLE ${member} LOGIN IN ROLE postgres; CREATE ROLE ${creator} LOGIN CREATEROLE; CREATE ROLE ${bypasser} LOGIN BYPASSRLS;`,
    );
    await owner.close();
    const cases: Array<[string, RegExp]> = [
      [
        'postgres',
        /^DATABASE_URL logs in as postgres, a superuser: give the service a login of its own: set DATABASE_MIGRATION_URL=<owner URL> and DATABASE_URL=postgres:\/\/<service>_app:<password>@127\.0\.0\.1:\d+\/least_privilege_\w+, then `npm run migrate` creates it$/,
      ],
      [tableOwner, new RegExp(`^DATABASE_URL logs in as ${tableOwner}, which owns table public\\.owned: `)],
      [member, new RegExp(`^DATABASE_URL logs in as ${member}, a member of postgres, a superuser: `)],
      [creator, /which can create roles \(CREATEROLE\): /],
      [bypasser, /which bypasses row-level security \(BYPASSRLS\): /],
    ];
    for (const [login, message] of cases) {
      const error = await rejection(openServiceDatabase({ DATABASE_URL: withLogin(ownerUrl, login), PGLITE_DATA_DIR: 'unused' }, { migrationsDir: BASIC }));
      expect(error, login).toBeInstanceOf(DatabaseSetupError);
      expect(error?.message, login).toMatch(message);
      expect(error?.message).not.toContain('\n');
    }
    // The migration step refuses them too, before migrating anything.
    const step = await rejection(
      runMigrationStep({ DATABASE_URL: withLogin(ownerUrl, creator), DATABASE_MIGRATION_URL: ownerUrl, PGLITE_DATA_DIR: '' }, { migrationsDir: BASIC }),
    );
    expect(step?.message).toMatch(/CREATEROLE/);
    const same = await rejection(runMigrationStep({ DATABASE_URL: ownerUrl, DATABASE_MIGRATION_URL: ownerUrl, PGLITE_DATA_DIR: '' }, { migrationsDir: BASIC }));
    expect(same?.message).toMatch(/^DATABASE_URL and DATABASE_MIGRATION_URL both log in as postgres: /);
  });

  it('serving without DATABASE_MIGRATION_URL checks the migrations are applied, naming npm run migrate', async () => {
    const db = `pending_${suffix()}`;
    await admin.exec(`CREATE DATABASE ${db}`);
    const work = await mkdtemp(join(tmpdir(), 'slipway-pending-'));
    try {
      const owner = withLogin(SUPERUSER_URL ?? '', 'postgres', undefined, db);
      const appUrl = withLogin(owner, role('pending_app'), 'pw');
      const missing = await rejection(openServiceDatabase({ DATABASE_URL: appUrl, PGLITE_DATA_DIR: '' }, { migrationsDir: BASIC }));
      expect(missing?.message).toMatch(/^DATABASE_URL's login pending_app_\w+ does not exist: run `npm run migrate` with DATABASE_MIGRATION_URL/);

      await cp(fileURLToPath(BASIC), work, { recursive: true });
      await rm(join(work, '002_seed.sql'));
      await runMigrationStep({ DATABASE_URL: appUrl, DATABASE_MIGRATION_URL: owner, PGLITE_DATA_DIR: '' }, { migrationsDir: work });

      const serving = { DATABASE_URL: appUrl, PGLITE_DATA_DIR: 'unused' };
      const error = await rejection(openServiceDatabase(serving, { migrationsDir: BASIC }));
      expect(error).toBeInstanceOf(DatabaseSetupError);
      expect(error?.message).toMatch(/^1 migration is not applied \(002_seed\.sql\): run `npm run migrate` with DATABASE_MIGRATION_URL/);

      // With the owner credential the serving process migrates in-process first, then serves as its login.
      const app = await openServiceDatabase({ ...serving, DATABASE_MIGRATION_URL: owner }, { migrationsDir: BASIC });
      expect((await app.query('SELECT current_user AS u')).rows[0]).toEqual({ u: new URL(appUrl).username });
      await app.close();
      const again = await openServiceDatabase(serving, { migrationsDir: BASIC });
      expect((await again.query('SELECT count(*)::int AS n FROM notes')).rows).toEqual([{ n: 2 }]);
      await again.close();
    } finally {
      await admin.exec(`DROP DATABASE ${db} WITH (FORCE)`);
      await rm(work, { recursive: true, force: true });
    }
  });

  it('grants appRoles membership and runs afterMigrate as the owner', async () => {
    const db = `groups_${suffix()}`;
    await admin.exec(`CREATE DATABASE ${db}`);
    const work = await mkdtemp(join(tmpdir(), 'slipway-groups-'));
    const group = role('shop_app');
    try {
      await writeFile(
        join(work, '001_shop.sql'),
        `CREATE ROLE ${group} NOLOGIN; CREATE SCHEMA shop; CREATE TABLE shop.items (name text);
         GRANT USAGE ON SCHEMA shop TO ${group}; GRANT SELECT ON shop.items TO ${group};`,
      );
      const owner = withLogin(SUPERUSER_URL ?? '', 'postgres', undefined, db);
      const appUrl = withLogin(owner, role('shop_login'), 'pw');
      const seededBy: string[] = [];
      const app = await openServiceDatabase(
        { DATABASE_URL: appUrl, DATABASE_MIGRATION_URL: owner, PGLITE_DATA_DIR: '' },
        {
          migrationsDir: work,
          appRoles: [group],
          afterMigrate: async (ownerDb) => {
            seededBy.push(String((await ownerDb.query<{ u: string }>('SELECT current_user AS u')).rows[0]?.u));
            await ownerDb.exec("INSERT INTO shop.items VALUES ('kettle')");
          },
        },
      );
      try {
        expect(seededBy).toEqual(['postgres']);
        expect((await app.query('SELECT name FROM shop.items')).rows).toEqual([{ name: 'kettle' }]);
        expect((await rejection(app.exec("INSERT INTO shop.items VALUES ('x')")))?.message).toMatch(/permission denied/);
      } finally {
        await app.close();
      }
    } finally {
      await admin.exec(`DROP DATABASE ${db} WITH (FORCE)`);
      await rm(work, { recursive: true, force: true });
    }
  });

  it('ensureLogin: a clear error when the owner cannot create roles; memberOf grants membership', async () => {
    const weak = role('weak_owner');
    await admin.exec(`CREATE ROLE ${weak} LOGIN`);
    const weakDb = await openDatabase({ url: withLogin(ownerUrl, weak), dataDir: '' });
    const missing = role('missing_app');
    try {
      const error = await rejection(ensureLogin(weakDb, withLogin(ownerUrl, missing, 'pw')));
      expect(error?.message).toBe(
        `DATABASE_URL's login ${missing} does not exist, and DATABASE_MIGRATION_URL's login ${weak} cannot create roles: create it once as an administrator ` +
          `(CREATE ROLE "${missing}" LOGIN PASSWORD '<the password in DATABASE_URL>' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS INHERIT), or grant ${weak} CREATEROLE`,
      );
    } finally {
      await weakDb.close();
    }
    const group = role('readers');
    await admin.exec(`CREATE ROLE ${group} NOLOGIN`);
    const owner = await openDatabase({ url: ownerUrl, dataDir: '' });
    try {
      const reader = role('reader');
      // Not printable ASCII, so sent as it is (quoted by the server) rather than as a SCRAM verifier.
      const password = `pässwörd'"\\`;
      expect(await ensureLogin(owner, withLogin(ownerUrl, reader, password), { memberOf: [group] })).toEqual({ name: reader, created: true });
      const { rows } = await admin.query<{ p: string }>('SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1', [reader]);
      expect(scramMatches(rows[0]?.p ?? '', password)).toBe(true);
      expect(await ensureLogin(owner, withLogin(ownerUrl, reader, 'pw'), { memberOf: [group] })).toEqual({ name: reader, created: false });
      expect((await owner.query("SELECT pg_has_role($1, $2, 'MEMBER') AS m", [reader, group])).rows).toEqual([{ m: true }]);
    } finally {
      await owner.close();
    }
  });
});

describe('least privilege on PGlite', () => {
  let db: Database;
  const seededBy: string[] = [];
  beforeAll(async () => {
    db = await openServiceDatabase(
      { PGLITE_DATA_DIR: 'memory://' },
      {
        migrationsDir: BASIC,
        afterMigrate: async (owner) => {
          seededBy.push(String((await owner.query<{ u: string }>('SELECT current_user AS u')).rows[0]?.u));
        },
      },
    );
  });
  afterAll(() => db.close());

  it('migrates and seeds as the bootstrap superuser, then serves as a role that cannot write where not granted', async () => {
    expect(seededBy).toEqual(['postgres']);
    expect((await db.query('SELECT current_user AS u')).rows).toEqual([{ u: PGLITE_SERVING_ROLE }]);
    await db.query('INSERT INTO notes (body) VALUES ($1)', ['served']);
    await db.transaction((tx) => tx.query('UPDATE notes SET body = body'));
    for (const sql of [
      "INSERT INTO slipway_migrations (name, checksum) VALUES ('x', 'y')",
      'DELETE FROM slipway_migrations',
      'CREATE TABLE sneaky (id int)',
      'DROP TABLE notes',
      'CREATE ROLE sneaky',
      'ALTER ROLE slipway_app SUPERUSER',
    ]) {
      expect((await rejection(db.exec(sql)))?.message, sql).toMatch(/permission denied|must be/);
    }
  });

  it('is a guard rail, not a boundary: RESET ROLE returns to the superuser (documented)', async () => {
    await db.exec('RESET ROLE');
    expect((await db.query('SELECT current_user AS u')).rows).toEqual([{ u: 'postgres' }]);
    await db.exec(`SET ROLE ${PGLITE_SERVING_ROLE}`);
  });
});
