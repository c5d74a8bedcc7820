export interface QueryResult<T> {
  rows: T[];
}

/** What a transaction callback can do: parameterised queries and multi-statement scripts. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Runs a script of one or more statements, without parameters. */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Resolves when the database answers `SELECT 1`; use it as a readiness check. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseExtension = 'vector';
