import type { Logger } from '@slipway/mcp-runtime';
import type { Database } from '@slipway/mcp-runtime/database';
import type { Config } from '../config.js';
import { serviceInfo } from '../service-info.js';
import { analystLoginName, ensureAnalystLogin, openAnalystDatabase } from './analyst.js';
import { azureOpenAiEmbeddings, localEmbeddings, managedIdentityTokenProvider, type EmbeddingProvider } from './embeddings.js';
import { generateSeedData, loadSeedData, syncProductEmbeddings } from './seed.js';

/** The embedding provider the configuration names: local by default, Azure OpenAI on request. */
export function embeddingProviderFrom(config: Config): EmbeddingProvider {
  if (config.EMBEDDINGS_PROVIDER === 'local') return localEmbeddings();
  if (config.AZURE_OPENAI_ENDPOINT === undefined || config.AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT === undefined) {
    throw new Error('EMBEDDINGS_PROVIDER=azure-openai needs AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT');
  }
  return azureOpenAiEmbeddings({
    endpoint: config.AZURE_OPENAI_ENDPOINT,
    deployment: config.AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT,
    apiVersion: config.AZURE_OPENAI_API_VERSION,
    ...(config.AZURE_OPENAI_API_KEY !== undefined
      ? { apiKey: config.AZURE_OPENAI_API_KEY }
      : { tokenProvider: managedIdentityTokenProvider(config.AZURE_CLIENT_ID === undefined ? {} : { clientId: config.AZURE_CLIENT_ID }) }),
  });
}

/** Loads the sample data set into empty tables (when enabled) and embeds products that lack a vector. */
export async function prepareRetailData(db: Database, config: Config, embeddings: EmbeddingProvider, logger?: Logger): Promise<void> {
  if (config.RETAIL_SEED_DATA) {
    const started = performance.now();
    const data = generateSeedData(config.RETAIL_SEED);
    const loaded = await loadSeedData(db, data);
    if (loaded) {
      logger?.info(
        { ms: Math.round(performance.now() - started), stores: data.stores.length, products: data.products.length, orders: data.orders.length, orderItems: data.order_items.length },
        'sample retail data loaded',
      );
    }
  }
  const started = performance.now();
  const embedded = await syncProductEmbeddings(db, embeddings);
  if (embedded > 0) logger?.info({ ms: Math.round(performance.now() - started), products: embedded, model: embeddings.model }, 'product embeddings computed');
}

/**
 * Runs as the owner after the migrations (the migration step, or start-up on PGlite): the writes
 * (sample data, embeddings) and, on PostgreSQL, the analyst login. The serving login only reads.
 */
export function afterRetailMigrations(config: Config, embeddings: EmbeddingProvider, logger?: Logger): (owner: Database) => Promise<void> {
  return async (owner) => {
    await prepareRetailData(owner, config, embeddings, logger);
    if (owner.kind === 'postgres' && config.DATABASE_URL !== undefined) {
      await ensureAnalystLogin(owner, config.DATABASE_URL, analystLoginName(serviceInfo.name));
    }
  };
}

/** The database options of the retail preset: its group role and its owner step. */
export function retailDatabaseOptions(config: Config, embeddings: EmbeddingProvider, logger?: Logger) {
  return { appRoles: ['retail_app'], afterMigrate: afterRetailMigrations(config, embeddings, logger) };
}

/**
 * The configuration the serving pools open with. On PGlite, which ignores statement_timeout, the
 * runtime's query timeout is what stops a runaway query (its worker is stopped and restarted), so no
 * query outlives the sales-query timeout by more than a second. On PostgreSQL the statement timeout
 * cancels it on the server; the pool's client-side timeout stays the longer backstop, since a cancel
 * lands only between a function's calls (one huge repeat() finishes first).
 */
export function servingDatabaseConfig(config: Config): Config {
  if (config.DATABASE_URL !== undefined) return config;
  return { ...config, DATABASE_QUERY_TIMEOUT_MS: Math.min(config.DATABASE_QUERY_TIMEOUT_MS, config.RETAIL_STATEMENT_TIMEOUT_MS + 1_000) };
}

/**
 * The pool callers' SQL runs on: on PostgreSQL the analyst login's own pool (the database alone
 * confines it); on PGlite none, since its one session is always the bootstrap superuser (callers'
 * SQL runs after SET LOCAL ROLE retail_analyst there).
 */
export async function openAnalyst(db: Database, config: Config, logger?: Logger): Promise<Database | undefined> {
  if (db.kind !== 'postgres' || config.DATABASE_URL === undefined) return undefined;
  // The caller's SQL gets the same connect and query bounds as the service's own pool.
  const timeouts = { connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS, queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS };
  return openAnalystDatabase(db, config.DATABASE_URL, timeouts, logger);
}
