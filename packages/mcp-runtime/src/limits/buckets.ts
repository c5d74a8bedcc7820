import type { Logger } from 'pino';
import type { Queryable } from '../database/types.js';
import type { RateLimitRule, RateLimits } from './rules.js';

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

// A bucket idle for its rule's whole period is full again (tokens never go below 0), so deleting it
// changes nothing: the next take inserts it full. The rule of a row's tool is looked up as ruleFor does
// (its own, else `*`); a tool without one is kept. The clock is the database's, as in TAKE_SQL, and a
// take racing the DELETE either finds the row gone (and inserts it full) or has moved updated_at, which
// the DELETE re-checks under the row lock before removing it.
const PRUNE_SQL = `
WITH gone AS (
  DELETE FROM ${RATE_BUCKETS_TABLE} AS b
  WHERE b.updated_at < now() - COALESCE(
    (SELECT r.period_ms FROM unnest($1::text[], $2::float8[]) AS r(tool, period_ms) WHERE r.tool = b.tool),
    $3::float8
  ) * interval '1 millisecond'
  RETURNING 1
)
SELECT count(*)::int AS pruned FROM gone`;

/** How often one replica prunes at most: the table holds one row per tenant and tool ever limited. */
export const PRUNE_EVERY_MS = 60_000;

export interface PostgresBucketStoreOptions {
  /** The rules in force, which say when a bucket is full again; without them nothing is pruned. */
  readonly limits?: RateLimits;
  /** Default PRUNE_EVERY_MS. */
  readonly pruneEveryMs?: number;
  /** This process's clock, for the throttle only; fullness is judged by the database's. */
  readonly now?: () => number;
  readonly logger?: Logger;
}

export interface PostgresBucketStore extends BucketStore {
  /** Deletes the buckets that are full again; resolves to how many. */
  prune(): Promise<number>;
}

/**
 * PostgreSQL: the buckets every replica shares. A take starts a prune in the background when this
 * replica has not pruned for `pruneEveryMs`: no timer to stop, and a replica without traffic adds no rows.
 */
export function createPostgresBucketStore(db: Queryable, options: PostgresBucketStoreOptions = {}): PostgresBucketStore {
  const named = Object.entries(options.limits ?? {}).filter(([tool]) => tool !== '*');
  const pruneParams = [named.map(([tool]) => tool), named.map(([, rule]) => rule.periodMs), options.limits?.['*']?.periodMs ?? null];
  const pruneEveryMs = options.pruneEveryMs ?? PRUNE_EVERY_MS;
  const now = options.now ?? (() => performance.now());
  let lastPrune: number | undefined;

  async function prune(): Promise<number> {
    const { rows } = await db.query<{ pruned: number }>(PRUNE_SQL, pruneParams);
    return rows[0]?.pruned ?? 0;
  }

  function pruneNowAndThen(): void {
    if (options.limits === undefined) return;
    const at = now();
    if (lastPrune !== undefined && at - lastPrune < pruneEveryMs) return;
    lastPrune = at;
    prune().then(
      (pruned) => options.logger?.debug({ pruned }, 'rate-limit buckets pruned'),
      (error: unknown) => options.logger?.warn({ err: error }, 'rate-limit bucket prune failed; retried later'),
    );
  }

  return {
    async take(owner, tool, rule) {
      const { rows } = await db.query<{ allowed: boolean; tokens: number }>(TAKE_SQL, [owner, tool, perMs(rule), rule.burst]);
      const row = rows[0]!;
      pruneNowAndThen();
      // Refused: `tokens` is what is left (< 1), which sets the retry hint.
      return result(row.allowed, Number(row.tokens), rule);
    },
    prune,
  };
}
