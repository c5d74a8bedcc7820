import { createLogger, loadConfig, startHttpService } from '@slipway/mcp-runtime';
import { exitOnDatabaseError } from '@slipway/mcp-runtime/database';
import { createCapabilities } from './capabilities/index.js';
import { configSchema, requireAuth } from './config.js';
import { openDatabase } from './database.js';
import { scopeFromAuthInfo } from './retail/scope.js';
import { embeddingProviderFrom, openAnalyst, retailDatabaseOptions, servingDatabaseConfig } from './retail/setup.js';
import { serviceInfo } from './service-info.js';

// Streamable HTTP at /mcp behind OAuth bearer tokens, with /healthz, /readyz, /metrics and the
// RFC 9728 metadata; SIGTERM drains and exits 0.
const config = loadConfig(configSchema);
const auth = requireAuth(config);
const logger = createLogger({ name: serviceInfo.name, level: config.LOG_LEVEL });
const embeddings = embeddingProviderFrom(config);
// A privileged DATABASE_URL or unapplied migrations stop the process with one line naming the fix.
const db = await openDatabase(servingDatabaseConfig(config), logger, retailDatabaseOptions(config, embeddings, logger)).catch(exitOnDatabaseError);
const analystDb = await openAnalyst(db, servingDatabaseConfig(config), logger).catch(exitOnDatabaseError);
if (db.kind === 'pglite') {
  logger.warn(
    'callers\u2019 SQL shares the service\u2019s database session (PGlite): row-level security and scope tokens hold, but only the SQL guard stops RESET ROLE; serve untrusted tenants over HTTP with DATABASE_URL (PostgreSQL)',
  );
}
const claims = { storeClaim: config.RETAIL_STORE_CLAIM, headOfficeRole: config.RETAIL_HEAD_OFFICE_ROLE };

await startHttpService({
  info: serviceInfo,
  config,
  logger,
  auth,
  // RATE_LIMITS buckets are shared by every replica through PostgreSQL.
  database: db,
  capabilities: createCapabilities({
    db,
    analystDb,
    embeddings,
    // The store comes from the verified token only; request headers play no part.
    scopeOf: (ctx) => scopeFromAuthInfo(ctx.authInfo, claims),
    statementTimeoutMs: config.RETAIL_STATEMENT_TIMEOUT_MS,
    maxRows: config.RETAIL_MAX_ROWS,
    maxResultBytes: config.RETAIL_MAX_RESULT_BYTES,
    maxQueryCost: config.RETAIL_MAX_QUERY_COST,
  }),
  readiness: { database: () => db.ping() },
  onShutdown: [async () => await analystDb?.close(), () => db.close()],
});
