import { createLogger, loadConfig, startHttpService } from '@slipway/mcp-runtime';
import { createCapabilities } from './capabilities/index.js';
import { configSchema, requireAuth } from './config.js';
import { openDatabase } from './database.js';
import { scopeFromAuthInfo } from './retail/scope.js';
import { embeddingProviderFrom, prepareRetailData } from './retail/setup.js';
import { serviceInfo } from './service-info.js';

// Streamable HTTP at /mcp behind OAuth bearer tokens, with /healthz, /readyz, /metrics and the
// RFC 9728 metadata; SIGTERM drains and exits 0.
const config = loadConfig(configSchema);
const auth = requireAuth(config);
const logger = createLogger({ name: serviceInfo.name, level: config.LOG_LEVEL });
const db = await openDatabase(config, logger);
const embeddings = embeddingProviderFrom(config);
await prepareRetailData(db, config, embeddings, logger);
const claims = { storeClaim: config.RETAIL_STORE_CLAIM, headOfficeRole: config.RETAIL_HEAD_OFFICE_ROLE };

await startHttpService({
  info: serviceInfo,
  config,
  logger,
  auth,
  capabilities: createCapabilities({
    db,
    embeddings,
    // The store comes from the verified token only; request headers play no part.
    scopeOf: (ctx) => scopeFromAuthInfo(ctx.authInfo, claims),
    statementTimeoutMs: config.RETAIL_STATEMENT_TIMEOUT_MS,
    maxRows: config.RETAIL_MAX_ROWS,
  }),
  readiness: { database: () => db.ping() },
  onShutdown: [() => db.close()],
});
