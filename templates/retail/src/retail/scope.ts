import { ToolError, type AuthInfo } from '@slipway/mcp-runtime';
import type { Database, Queryable } from '@slipway/mcp-runtime/database';

/** Whose rows a call may see: one store, or every store (head office). */
export type StoreScope = { readonly kind: 'store'; readonly storeId: number } | { readonly kind: 'head-office' };

export interface ScopeClaims {
  /** The claim that holds the caller's store id, e.g. `store_id`. */
  readonly storeClaim: string;
  /** A value of the token's `roles` claim (or a scope) that grants head-office access. */
  readonly headOfficeRole: string;
}

const STORE_ID = /^[1-9]\d{0,8}$/;

function listClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  return [];
}

/**
 * The store scope of a call, from the verified access token only. Request headers are never
 * consulted: a client can claim any store in a header, but not in a token it cannot sign.
 */
export function scopeFromAuthInfo(authInfo: AuthInfo | undefined, claims: ScopeClaims): StoreScope {
  if (authInfo === undefined) throw new ToolError('This tool needs an authenticated caller.');
  const token = authInfo.extra ?? {};
  if (listClaim(token['roles']).includes(claims.headOfficeRole) || authInfo.scopes.includes(claims.headOfficeRole)) {
    return { kind: 'head-office' };
  }
  const raw = token[claims.storeClaim];
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !STORE_ID.test(text)) {
    throw new ToolError(`The access token carries no valid "${claims.storeClaim}" claim, so no store data can be shown.`);
  }
  return { kind: 'store', storeId: Number(text) };
}

/** The database roles the migrations create: neither owns the tables nor bypasses RLS. */
export type ScopedRole = 'retail_app' | 'retail_analyst';

export interface ScopedTransactionOptions {
  readonly role: ScopedRole;
  /** Server-side limit for each statement (PostgreSQL; PGlite runs queries to completion). */
  readonly statementTimeoutMs: number;
  /**
   * PostgreSQL: a pool logged in as the analyst login (a member of retail_analyst only), where the
   * caller's SQL runs, so that RESET ROLE or SET ROLE lead nowhere. Without it (PGlite: one session
   * whose login is the superuser) the caller's SQL runs after SET LOCAL ROLE retail_analyst.
   */
  readonly analyst?: Database | undefined;
}

// pg_temp named last: unnamed, it is searched first, so a temporary table left in a pooled
// session could stand in for retail.orders in the next caller's query.
const SEARCH_PATH = 'retail, public, pg_temp';

/** The arguments of retail.mint_scope(store_id, head_office, pid) but the pid. */
function mintArguments(scope: StoreScope): [number | null, boolean] {
  return scope.kind === 'store' ? [scope.storeId, false] : [null, true];
}

/**
 * Runs `fn` in one read-only transaction scoped to a store. The RLS policies admit rows only for a
 * token in app.scope that retail.mint_scope signed for this backend (pid) and that has not
 * expired; settings made with set_config(..., true) end with the transaction, so a pooled
 * connection never carries one caller's scope into another's request.
 *
 * - retail_app (the tools' own queries) and retail_analyst without `analyst`: one round trip on
 *   the service connection mints the token for its own pid, then switches role (last, so the
 *   mint runs as the service).
 * - retail_analyst with `analyst`: the token is minted on the service pool for the analyst
 *   connection's pid (that login may not mint) and set on the analyst connection; the token
 *   travels as a bind parameter, never in statement text (pg_stat_activity shows text).
 */
export function withStoreScope<T>(
  db: Database,
  scope: StoreScope,
  options: ScopedTransactionOptions,
  fn: (tx: Queryable) => Promise<T>,
): Promise<T> {
  const [storeId, headOffice] = mintArguments(scope);
  const timeout = String(options.statementTimeoutMs);
  if (options.role === 'retail_analyst' && options.analyst !== undefined) {
    return options.analyst.transaction(async (tx) => {
      // transaction_read_only set locally is SET TRANSACTION READ ONLY, in the same round trip as the
      // pid. The role switch is belt and braces: RESET ROLE only returns to the analyst login.
      const { rows } = await tx.query<{ pid: number }>(
        `SELECT pg_backend_pid() AS pid,
                set_config('transaction_read_only', 'on', true),
                set_config('statement_timeout', $1, true),
                set_config('search_path', $2, true),
                set_config('role', 'retail_analyst', true)`,
        [timeout, SEARCH_PATH],
      );
      const minted = await db.query<{ token: string }>('SELECT retail.mint_scope($1, $2, $3) AS token', [storeId, headOffice, rows[0]!.pid]);
      await tx.query("SELECT set_config('app.scope', $1, true)", [minted.rows[0]!.token]);
      return fn(tx);
    });
  }
  return db.transaction(async (tx) => {
    await tx.query(
      `SELECT set_config('transaction_read_only', 'on', true),
              set_config('app.scope', retail.mint_scope($1, $2, pg_backend_pid()), true),
              set_config('statement_timeout', $3, true),
              set_config('search_path', $4, true),
              set_config('role', $5, true)`,
      [storeId, headOffice, timeout, SEARCH_PATH, options.role],
    );
    return fn(tx);
  });
}

export function describeScope(scope: StoreScope): { storeId: number | null; headOffice: boolean } {
  return scope.kind === 'store' ? { storeId: scope.storeId, headOffice: false } : { storeId: null, headOffice: true };
}
