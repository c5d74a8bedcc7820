import { randomBytes } from 'node:crypto';
import type { Logger } from '@slipway/mcp-runtime';
import { DatabaseSetupError, ensureLogin, openDatabase, type Database } from '@slipway/mcp-runtime/database';

/**
 * The PostgreSQL login that runs callers' SQL: `<service>_analyst`, a member of retail_analyst
 * only. It is its own login (not a role the service switches to), so RESET ROLE or SET ROLE in
 * that SQL lead nowhere, and it may not mint scope tokens.
 */
export function analystLoginName(serviceName: string): string {
  return `${serviceName.replace(/-/g, '_')}_analyst`;
}

// Replicas may run the migration step at once: the password must be chosen once.
const LOGIN_LOCK_KEY = 0x5e_a1_a5_75;

/** `databaseUrl` (the serving login's) with another login: same server, database and options. */
function urlAs(databaseUrl: string, username: string, password: string): string {
  const url = new URL(databaseUrl);
  url.username = encodeURIComponent(username);
  url.password = encodeURIComponent(password);
  return url.toString();
}

/**
 * As the owner, after the migrations (PostgreSQL only): the analyst login exists with the password
 * on record in retail_private.analyst_login (which only retail_app, the service, may read), a
 * random one the first time. No new deploy credential. Each run sets the password again, so a login
 * that changed its own (ALTER ROLE is open to any login) is put right. ensureLogin creates it when
 * missing (the owner needs CREATEROLE, as for the serving login), makes it a member of
 * retail_analyst and refuses it if it could step past its grants.
 */
export async function ensureAnalystLogin(owner: Database, databaseUrl: string, username: string): Promise<void> {
  const password = await owner.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOGIN_LOCK_KEY]);
    const stored = (await tx.query<{ username: string; password: string }>('SELECT username, password FROM retail_private.analyst_login')).rows[0];
    if (stored?.username === username) return stored.password;
    const chosen = randomBytes(24).toString('base64url');
    await tx.query(
      `INSERT INTO retail_private.analyst_login (username, password) VALUES ($1, $2)
       ON CONFLICT (singleton) DO UPDATE SET username = EXCLUDED.username, password = EXCLUDED.password, updated_at = now()`,
      [username, chosen],
    );
    return chosen;
  });
  await ensureLogin(owner, urlAs(databaseUrl, username, password), { memberOf: ['retail_analyst'], variable: 'The analyst login' });
  // Role names and passwords cannot be bind parameters: format() quotes them on the server.
  const { rows } = await owner.query<{ sql: string }>("SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text) AS sql", [username, password]);
  await owner.exec(rows[0]!.sql);
}

/**
 * Opens the pool the caller's SQL runs on: the same server and database as DATABASE_URL, as the
 * analyst login on record. Fails closed: a server that does not log in as that login (PGlite served
 * on a socket runs every connection as its superuser), or a login that gained privileges, stops
 * the service rather than run callers' SQL with less than the database's own boundary.
 */
export async function openAnalystDatabase(
  service: Database,
  databaseUrl: string,
  timeouts: { readonly connectTimeoutMs: number; readonly queryTimeoutMs: number },
  logger?: Logger,
): Promise<Database> {
  const login = (await service.query<{ username: string; password: string }>('SELECT username, password FROM retail_private.analyst_login')).rows[0];
  if (login === undefined) {
    throw new DatabaseSetupError('The analyst login is not on record: run `npm run migrate` with DATABASE_MIGRATION_URL set, which creates it', ['DATABASE_MIGRATION_URL']);
  }
  const analyst = await openDatabase({ url: urlAs(databaseUrl, login.username, login.password), dataDir: '', ...timeouts, ...(logger !== undefined && { logger }) });
  const { rows } = await analyst.query<{ who: string; privileged: boolean }>(
    'SELECT session_user AS who, rolsuper OR rolbypassrls AS privileged FROM pg_roles WHERE rolname = session_user',
  );
  if (rows[0]?.who === login.username && rows[0].privileged === false) return analyst;
  await analyst.close();
  throw new DatabaseSetupError(
    `The analyst login ${login.username} connected as ${rows[0]?.who ?? 'nobody'}${rows[0]?.privileged ? ', which bypasses row-level security' : ''}: ` +
      'callers\u2019 SQL must run as that login, unprivileged; run `npm run migrate` again, on a PostgreSQL server',
    ['DATABASE_URL'],
  );
}
