import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { DatabaseSetupError } from './errors.js';
import { lockMigrations, MIGRATIONS_TABLE } from './migrate.js';
import type { Database, Queryable } from './types.js';

/** A login as a URL names it: percent-decoded user, and password when there is one. */
export interface Login {
  name: string;
  password?: string;
}

/** Who a login is, for messages: the variable holding its URL (and the URL, for the suggested fix). */
export interface LoginContext {
  variable: string;
  url?: string;
}

// Predefined roles that read or write past the grants, or reach the server's files and programs.
const DANGEROUS_ROLES = ['pg_read_all_data', 'pg_write_all_data', 'pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program'];

// Every schema but PostgreSQL's own (pg_catalog, pg_toast, pg_temp_N, ...) and information_schema.
const SERVICE_SCHEMA = `n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`;

/**
 * A SCRAM-SHA-256 verifier of `password`, as PostgreSQL stores it, so that the password itself is
 * never in SQL text (nor the server's statement log). PostgreSQL applies SASLprep before hashing,
 * which leaves printable ASCII unchanged: other passwords get undefined and are sent as they are.
 */
export function scramVerifier(password: string, iterations = 4096): string | undefined {
  if (!/^[\x20-\x7e]+$/.test(password)) return undefined;
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const storedKey = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest('base64');
  const serverKey = createHmac('sha256', salted).update('Server Key').digest('base64');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey}:${serverKey}`;
}

/** The login a postgres:// URL names (percent-decoded); a URL without one is a DatabaseSetupError. */
export function loginFromUrl(url: string, variable = 'DATABASE_URL'): Login {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || parsed.username === '') {
    throw new DatabaseSetupError(`${variable} must name its login: postgres://<login>:<password>@<host>/<database>`, [variable]);
  }
  const name = decodeURIComponent(parsed.username);
  return parsed.password === '' ? { name } : { name, password: decodeURIComponent(parsed.password) };
}

function suggestedUrl(url: string | undefined): string {
  try {
    const parsed = new URL(url ?? '');
    return `postgres://<service>_app:<password>@${parsed.host}${parsed.pathname}`;
  } catch {
    return 'postgres://<service>_app:<password>@<host>/<database>';
  }
}

function refusal(role: string, problem: string, context: LoginContext): DatabaseSetupError {
  if (context.url === undefined) {
    return new DatabaseSetupError(`${context.variable} ${role}, ${problem}, would step past its grants: take that role out of appRoles`, []);
  }
  return new DatabaseSetupError(
    `${context.variable} logs in as ${role}, ${problem}: give the service a login of its own: set DATABASE_MIGRATION_URL=<owner URL> ` +
      `and ${context.variable}=${suggestedUrl(context.url)}, then \`npm run migrate\` creates it`,
    [context.variable],
  );
}

/**
 * Refuses a role that is a superuser, BYPASSRLS or CREATEROLE, a member of one, of a predefined role
 * that reads or writes past the grants, owns (or belongs to the owner of) a schema or table in the
 * service's schemas, or can create objects there: any SQL it runs must stay within its grants.
 */
export async function assertLeastPrivilege(db: Queryable, role: string, context: LoginContext): Promise<void> {
  const { rows: privileged } = await db.query<{ role: string; superuser: boolean; bypassrls: boolean; createrole: boolean }>(
    `SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypassrls, r.rolcreaterole AS createrole
       FROM pg_roles r
      WHERE pg_has_role($1::name, r.oid, 'MEMBER')
        AND (r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolname = ANY($2::text[]))
      ORDER BY r.rolname = $1 DESC, r.rolsuper DESC
      LIMIT 1`,
    [role, DANGEROUS_ROLES],
  );
  const found = privileged[0];
  if (found !== undefined) {
    const what = found.superuser
      ? 'a superuser'
      : found.bypassrls
        ? 'which bypasses row-level security (BYPASSRLS)'
        : found.createrole
          ? 'which can create roles (CREATEROLE)'
          : 'which reads or writes past its grants';
    const via = found.role === role ? '' : `a member of ${found.role}, `;
    throw refusal(role, `${via}${what}`, context);
  }
  const { rows: owned } = await db.query<{ what: string }>(
    `SELECT what FROM (
       SELECT 1 AS rank, 'which owns schema ' || quote_ident(n.nspname) AS what
         FROM pg_namespace n WHERE ${SERVICE_SCHEMA} AND pg_has_role($1::name, n.nspowner, 'MEMBER')
       UNION ALL
       SELECT 2, 'which owns ' || CASE WHEN c.relkind IN ('r', 'p') THEN 'table' WHEN c.relkind = 'S' THEN 'sequence' ELSE 'view' END
                 || ' ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname)
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE ${SERVICE_SCHEMA} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND pg_has_role($1::name, c.relowner, 'MEMBER')
       UNION ALL
       SELECT 3, 'which can create objects in schema ' || quote_ident(n.nspname)
         FROM pg_namespace n WHERE ${SERVICE_SCHEMA} AND has_schema_privilege($1::name, n.oid, 'CREATE')
       UNION ALL
       SELECT 4, 'which can create schemas in database ' || quote_ident(current_database())
        WHERE has_database_privilege($1::name, current_database(), 'CREATE')
     ) found ORDER BY rank, what LIMIT 1`,
    [role],
  );
  if (owned[0] !== undefined) throw refusal(role, owned[0].what, context);
}

/** The role the connection's SQL runs as (after any SET ROLE). */
export async function currentRole(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ role: string }>('SELECT current_user AS role');
  return rows[0]?.role ?? '';
}

async function grantMemberships(tx: Queryable, role: string, memberOf: readonly string[]): Promise<void> {
  for (const group of memberOf) {
    const { rows } = await tx.query<{ sql: string | null; exists: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS exists,
              CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AND NOT pg_has_role($2::name, $1::name, 'MEMBER')
                   THEN format('GRANT %I TO %I', $1::text, $2::text) END AS sql`,
      [group, role],
    );
    if (rows[0]?.exists !== true) {
      throw new DatabaseSetupError(`The group role ${group} (appRoles) does not exist: create it in a migration`, []);
    }
    if (rows[0].sql !== null) await tx.exec(rows[0].sql);
  }
}

/**
 * Creates `login` if it is missing (as the owner, who needs CREATEROLE), grants it the `memberOf`
 * group roles, then checks it with assertLeastPrivilege. An existing login is left as it is.
 */
export async function ensureRole(
  owner: Database,
  login: Login,
  context: LoginContext,
  options: { memberOf?: readonly string[] } = {},
): Promise<{ name: string; created: boolean }> {
  return owner.transaction(async (tx) => {
    await lockMigrations(owner, tx);
    const { rows: me } = await tx.query<{ name: string; creates: boolean }>(
      'SELECT current_user AS name, rolsuper OR rolcreaterole AS creates FROM pg_roles WHERE rolname = current_user',
    );
    const ownerName = me[0]?.name ?? '';
    if (ownerName === login.name) {
      throw new DatabaseSetupError(
        `${context.variable} and DATABASE_MIGRATION_URL both log in as ${login.name}: the owner login must stay out of the serving process; ` +
          `set ${context.variable}=${suggestedUrl(context.url)}, and \`npm run migrate\` creates it`,
        [context.variable],
      );
    }
    const { rows: existing } = await tx.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login.name]);
    const created = existing.length === 0;
    if (created) {
      if (me[0]?.creates !== true) {
        throw new DatabaseSetupError(
          `${context.variable}'s login ${login.name} does not exist, and DATABASE_MIGRATION_URL's login ${ownerName} cannot create roles: ` +
            `create it once as an administrator (CREATE ROLE "${login.name}" LOGIN PASSWORD '<the password in ${context.variable}>' ` +
            `NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS INHERIT), or grant ${ownerName} CREATEROLE`,
          [context.variable],
        );
      }
      // Quoted by the server (format %I/%L), the password as a SCRAM verifier when it can be; PASSWORD NULL
      // when the URL has none (trust or certificate authentication).
      const { rows } = await tx.query<{ sql: string }>(
        `SELECT format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS INHERIT', $1::text, $2::text) AS sql`,
        [login.name, login.password === undefined ? null : (scramVerifier(login.password) ?? login.password)],
      );
      await tx.exec(rows[0]?.sql ?? '');
    }
    await grantMemberships(tx, login.name, options.memberOf ?? []);
    await assertLeastPrivilege(tx, login.name, context);
    return { name: login.name, created };
  });
}

/**
 * Ensures the login in `url` exists (creating it as the owner, NOSUPERUSER NOCREATEDB NOCREATEROLE
 * NOBYPASSRLS) with membership of the `memberOf` group roles, and refuses it if it could step past
 * its grants (see assertLeastPrivilege). Table grants are the caller's: see grantServingLogin.
 */
export function ensureLogin(
  owner: Database,
  url: string,
  options: { memberOf?: readonly string[]; variable?: string } = {},
): Promise<{ name: string; created: boolean }> {
  const variable = options.variable ?? 'DATABASE_URL';
  return ensureRole(owner, loginFromUrl(url, variable), { variable, url }, options.memberOf ? { memberOf: options.memberOf } : {});
}

/**
 * The generic grants of the serving login: read and write every table and sequence in schema
 * public except the migrations ledger (read-only), plus membership of `appRoles`. Run after each
 * migration step, so tables added by new migrations are covered.
 */
export async function grantServingLogin(owner: Database, role: string, context: LoginContext, appRoles: readonly string[]): Promise<void> {
  await owner.transaction(async (tx) => {
    await lockMigrations(owner, tx);
    const { rows } = await tx.query<{ sql: string }>(
      `SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %1$I; ' ||
                     'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %1$I; ' ||
                     'REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON %2$I FROM %1$I; ' ||
                     'GRANT SELECT ON %2$I TO %1$I', $1::text, $2::text) AS sql`,
      [role, MIGRATIONS_TABLE],
    );
    await tx.exec(rows[0]?.sql ?? '');
    await grantMemberships(tx, role, appRoles);
    await assertLeastPrivilege(tx, role, context);
  });
}
