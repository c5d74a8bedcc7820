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
}

/**
 * Runs `fn` in one read-only transaction scoped to a store: the settings the RLS policies read are
 * set with set_config(..., true), so they end with the transaction and a pooled connection never
 * carries one caller's store into another's request. The role switch comes last, so the caller's
 * queries run as a non-owner role.
 */
export function withStoreScope<T>(
  db: Database,
  scope: StoreScope,
  options: ScopedTransactionOptions,
  fn: (tx: Queryable) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION READ ONLY');
    await tx.query(
      `SELECT set_config('app.current_store_id', $1, true),
              set_config('app.is_head_office', $2, true),
              set_config('statement_timeout', $3, true),
              set_config('search_path', 'retail, public', true),
              set_config('role', $4, true)`,
      [scope.kind === 'store' ? String(scope.storeId) : '', scope.kind === 'head-office' ? 'on' : 'off', String(options.statementTimeoutMs), options.role],
    );
    return fn(tx);
  });
}

export function describeScope(scope: StoreScope): { storeId: number | null; headOffice: boolean } {
  return scope.kind === 'store' ? { storeId: scope.storeId, headOffice: false } : { storeId: null, headOffice: true };
}
