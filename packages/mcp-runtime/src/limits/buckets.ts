import type { Queryable } from '../database/types.js';
import type { RateLimitRule } from './rules.js';

export interface TakeResult {
  readonly allowed: boolean;
  /** When refused: how long until one token is back. 0 when allowed. */
  readonly retryAfterMs: number;
}

/** Where the buckets live: this process's memory, or a table every replica shares. */
export interface BucketStore {
  /** Takes one token from the bucket (`owner`, `tool`), refilled first; atomic per bucket. */
  take(owner: string, tool: string, rule: RateLimitRule): Promise<TakeResult>;
}

const perMs = (rule: RateLimitRule) => rule.burst / rule.periodMs;

function result(allowed: boolean, tokens: number, rule: RateLimitRule): TakeResult {
  return { allowed, retryAfterMs: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / perMs(rule))) };
}

// Beyond this many buckets, full ones (idle long enough to refill) are dropped: they equal a new bucket.
const MEMORY_PRUNE_AT = 10_000;

/** PGlite, no database, tests: one process, so one Map is the whole truth. */
export function createMemoryBucketStore(now: () => number = () => performance.now()): BucketStore {
  const buckets = new Map<string, { tokens: number; at: number; rule: RateLimitRule }>();
  const refilled = (bucket: { tokens: number; at: number }, rule: RateLimitRule, at: number) =>
    Math.min(rule.burst, bucket.tokens + (at - bucket.at) * perMs(rule));
  function prune(at: number): void {
    for (const [key, bucket] of buckets) if (refilled(bucket, bucket.rule, at) >= bucket.rule.burst) buckets.delete(key);
  }
  return {
    async take(owner, tool, rule) {
      const at = now();
      const key = `${tool}\u0000${owner}`;
      const bucket = buckets.get(key);
      const tokens = bucket === undefined ? rule.burst : refilled(bucket, rule, at);
      const allowed = tokens >= 1;
      if (bucket === undefined && buckets.size >= MEMORY_PRUNE_AT) prune(at);
      buckets.set(key, { tokens: allowed ? tokens - 1 : tokens, at, rule });
      return result(allowed, tokens, rule);
    },
  };
}

export const RATE_BUCKETS_TABLE = 'slipway_rate_buckets';

/** Made by the migration step (as the owner), like the service's own tables; the serving login gets read/write. */
export const RATE_BUCKETS_DDL = `CREATE TABLE IF NOT EXISTS ${RATE_BUCKETS_TABLE} (
  owner text NOT NULL,
  tool text NOT NULL,
  tokens double precision NOT NULL,
  allowed boolean NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tool, owner)
)`;

// One statement: the row lock of INSERT ... ON CONFLICT DO UPDATE serialises replicas on the same bucket,
// and the clock is the database's, so replicas with skewed clocks agree. `allowed` is stored because
// RETURNING sees only the new row. $3 is tokens per millisecond.
const TAKE_SQL = `
INSERT INTO ${RATE_BUCKETS_TABLE} AS b (owner, tool, tokens, allowed, updated_at)
VALUES ($1, $2, $4::float8 - 1, true, now())
ON CONFLICT (tool, owner) DO UPDATE SET
  allowed = LEAST($4::float8, b.tokens + EXTRACT(EPOCH FROM now() - b.updated_at) * 1000 * $3::float8) >= 1,
  tokens = LEAST($4::float8, b.tokens + EXTRACT(EPOCH FROM now() - b.updated_at) * 1000 * $3::float8)
    - CASE WHEN LEAST($4::float8, b.tokens + EXTRACT(EPOCH FROM now() - b.updated_at) * 1000 * $3::float8) >= 1 THEN 1 ELSE 0 END,
  updated_at = now()
RETURNING allowed, tokens`;

/** PostgreSQL: the buckets every replica shares. */
export function createPostgresBucketStore(db: Queryable): BucketStore {
  return {
    async take(owner, tool, rule) {
      const { rows } = await db.query<{ allowed: boolean; tokens: number }>(TAKE_SQL, [owner, tool, perMs(rule), rule.burst]);
      const row = rows[0]!;
      // Refused: `tokens` is what is left (< 1), which sets the retry hint.
      return result(row.allowed, Number(row.tokens), rule);
    },
  };
}
