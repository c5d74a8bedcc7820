import { createLogger, loadConfig } from '@slipway/mcp-runtime';
import { exitOnDatabaseError } from '@slipway/mcp-runtime/database';
import { configSchema } from './config.js';
import { migrateDatabase } from './database.js';
import { embeddingProviderFrom, retailDatabaseOptions } from './retail/setup.js';
import { serviceInfo } from './service-info.js';

// The one-shot migration step (`npm run migrate`, `node dist/migrate.js` in the image), run before the
// service starts, as DATABASE_MIGRATION_URL's owner login, which the service never holds: it applies
// the migrations, loads the sample data and embeddings, creates the analyst login that runs callers'
// SQL, and creates or checks the service's own login (DATABASE_URL). A set-up problem is one line, exit 1.
const config = loadConfig(configSchema);
const logger = createLogger({ name: serviceInfo.name, level: config.LOG_LEVEL });
const embeddings = embeddingProviderFrom(config);
await migrateDatabase(config, logger, retailDatabaseOptions(config, embeddings, logger)).catch(exitOnDatabaseError);
