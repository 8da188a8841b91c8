import { resolveDatabase } from '@dim/db';
import type { Logger } from 'pino';

import { ConfigError, loadApiConfig, type ApiConfig } from './config';
import { createLogger } from './logger';
import { createApiServer } from './server';

/**
 * Starts the API from the command line with the settings in the environment (see config.ts).
 * The database is DATABASE_URL, or the embedded PGlite server when that is unset. The server
 * runs until SIGINT or SIGTERM, then shuts down gracefully.
 */
async function main(config: ApiConfig, logger: Logger): Promise<void> {
  const database = await resolveDatabase();

  const server = await createApiServer({
    databaseUrl: database.url,
    host: config.host,
    port: config.port,
    adminToken: config.adminToken,
    localOnly: config.localOnly,
    corsOrigins: config.corsOrigins,
    logger,
  }).catch(async (error: unknown) => {
    await database.stop?.();
    throw error;
  });

  let shuttingDown = false;
  const shutDown = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    server
      .stop()
      .then(() => database.stop?.())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', shutDown);
  process.on('SIGTERM', shutDown);
}

let config: ApiConfig;
try {
  config = loadApiConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // No logger exists yet, because LOG_LEVEL is one of the settings that failed to load.
  console.error(`Invalid configuration: ${error.message}`);
  process.exit(1);
}
const logger = createLogger(config.logLevel);
main(config, logger).catch((error: unknown) => {
  logger.fatal({ err: error }, 'API server failed to start');
  process.exit(1);
});
