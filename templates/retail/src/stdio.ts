import { createLogger, loadConfig, runStdio } from '@slipway/mcp-runtime';
import { exitOnDatabaseError } from '@slipway/mcp-runtime/database';
import { createCapabilities } from './capabilities/index.js';
import { configSchema } from './config.js';
import { openDatabase } from './database.js';
import type { StoreScope } from './retail/scope.js';
import { embeddingProviderFrom, openAnalyst, retailDatabaseOptions, servingDatabaseConfig } from './retail/setup.js';
import { serviceInfo } from './service-info.js';

// MCP over stdio, for a local client the operator starts. There is no token on stdio, so the
// operator names the scope: STDIO_STORE_ID=<id> or STDIO_HEAD_OFFICE=true. Logs go to stderr.
const config = loadConfig(configSchema);
const storeId = config.STDIO_STORE_ID === undefined ? undefined : Number(config.STDIO_STORE_ID);
if (!config.STDIO_HEAD_OFFICE && (storeId === undefined || !Number.isSafeInteger(storeId) || storeId < 1)) {
  process.stderr.write('Invalid configuration: set STDIO_STORE_ID to a store id, or STDIO_HEAD_OFFICE=true, to choose whose data this stdio session sees\n');
  process.exit(1);
}
const scope: StoreScope = config.STDIO_HEAD_OFFICE ? { kind: 'head-office' } : { kind: 'store', storeId: storeId! };
const logger = createLogger({ name: serviceInfo.name, level: config.LOG_LEVEL, destination: 'stderr' });
const embeddings = embeddingProviderFrom(config);
// A privileged DATABASE_URL or unapplied migrations stop the process with one line naming the fix.
const db = await openDatabase(servingDatabaseConfig(config), logger, retailDatabaseOptions(config, embeddings, logger)).catch(exitOnDatabaseError);
const analystDb = await openAnalyst(db, servingDatabaseConfig(config), logger).catch(exitOnDatabaseError);

runStdio({
  info: serviceInfo,
  logger,
  capabilities: createCapabilities({
    db,
    analystDb,
    embeddings,
    scopeOf: () => scope,
    statementTimeoutMs: config.RETAIL_STATEMENT_TIMEOUT_MS,
    maxRows: config.RETAIL_MAX_ROWS,
    maxResultBytes: config.RETAIL_MAX_RESULT_BYTES,
    maxQueryCost: config.RETAIL_MAX_QUERY_COST,
  }),
});
