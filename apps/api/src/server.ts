import 'reflect-metadata';

import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { migrateDatabase, readMigrations, type PrismaClient } from '@dim/db';
import type { Logger } from 'pino';

import type { AdminPolicy } from './auth/admin-token';
import { DEFAULT_CORS_ORIGINS, validateAccessSettings } from './config';
import type { ApiContext } from './context';
import { closeDatabase, openDatabase } from './db/open-database';
import { formatApiError } from './errors/format-error';
import { GRAPHQL_PATH, createRouter } from './http/router';
import { createLogger } from './logger';
import { costLimitPlugin } from './plugins/cost-limit.plugin';
import { depthLimitRule } from './plugins/depth-limit.rule';
import { loggingPlugin } from './plugins/logging.plugin';
import { MAX_QUERY_COST, MAX_QUERY_DEPTH } from './plugins/query-cost';
import { buildApiSchema } from './schema';

export interface ApiServerOptions {
  /** postgresql:// URL of the database; it is migrated at start. */
  databaseUrl: string;
  /** Interface to bind, e.g. 127.0.0.1. */
  host: string;
  /** TCP port; 0 picks a free one (read it from the returned url). */
  port: number;
  /** Bearer token that mutations require; without it mutations are disabled unless localOnly. */
  adminToken?: string;
  /** Allows mutations without a token when no adminToken is set; requires a loopback host. */
  localOnly?: boolean;
  /** Origins allowed to call the API from a browser (default: the dashboard's dev server). */
  corsOrigins?: readonly string[];
  /** Query limits; the defaults are MAX_QUERY_DEPTH and MAX_QUERY_COST in plugins/query-cost.ts. */
  limits?: { maxDepth?: number; maxCost?: number };
  /** Default: a pino logger at info level on stdout. */
  logger?: Logger;
}

export interface ApiServer {
  /** Base URL, e.g. http://127.0.0.1:4000. */
  url: string;
  /** GraphQL endpoint, `${url}/graphql`. */
  graphqlUrl: string;
  /** Stops accepting connections, waits for in-flight requests and closes the database pool. */
  stop(): Promise<void>;
}

/** How long stop() lets in-flight requests finish before closing their connections. */
const STOP_GRACE_PERIOD_MS = 10_000;

/**
 * Migrates the database, then serves GraphQL at /graphql, PNGs at /images/<id>.png and a
 * health check at /health until stop() is called.
 */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  validateAccessSettings(options);
  const logger = options.logger ?? createLogger();
  const adminPolicy: AdminPolicy = { adminToken: options.adminToken, localOnly: options.localOnly ?? false };

  const migration = await migrateDatabase(options.databaseUrl);
  if (migration.applied.length > 0) logger.info({ applied: migration.applied }, 'database migrated');
  const migrationNames = (await readMigrations()).map((entry) => entry.name);

  const db = await openDatabase(options.databaseUrl, logger);
  const httpServer = http.createServer();
  let apollo: ApolloServer<ApiContext> | undefined;
  try {
    const schema = await buildApiSchema();
    apollo = new ApolloServer<ApiContext>({
      schema,
      formatError: formatApiError,
      includeStacktraceInErrorResponses: false,
      // main.ts stops the server, the database pool and the embedded database in order on
      // SIGINT/SIGTERM; Apollo's own handlers would race it and re-raise the signal.
      stopOnTerminationSignals: false,
      validationRules: [depthLimitRule(options.limits?.maxDepth ?? MAX_QUERY_DEPTH)],
      logger: logger.child({ component: 'apollo' }),
      plugins: [
        loggingPlugin(logger),
        costLimitPlugin({ schema, maxCost: options.limits?.maxCost ?? MAX_QUERY_COST }),
        ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: STOP_GRACE_PERIOD_MS }),
        // The schema sets no cache hints, and Apollo's default cache-control plugin wraps every
        // field resolver to collect them: over 50 wrapped calls for one neighbour query.
        ApolloServerPluginCacheControlDisabled(),
      ],
    });
    await apollo.start();

    httpServer.on(
      'request',
      createRouter({
        apollo,
        db,
        logger,
        adminPolicy,
        corsOrigins: options.corsOrigins ?? DEFAULT_CORS_ORIGINS,
        migrationNames,
      }),
    );
    await listen(httpServer, options.host, options.port);
  } catch (error) {
    await apollo?.stop().catch(() => undefined);
    httpServer.close();
    await closeDatabase(db);
    throw error;
  }

  const { port } = httpServer.address() as AddressInfo;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${hostForUrl}:${port}`;
  logger.info({ url, graphqlUrl: `${url}${GRAPHQL_PATH}`, mutations: describeMutations(adminPolicy) }, 'API server started');

  const runningApollo = apollo;
  let stopping: Promise<void> | undefined;
  return {
    url,
    graphqlUrl: `${url}${GRAPHQL_PATH}`,
    stop: () => {
      stopping ??= stopServer(runningApollo, db, logger, url);
      return stopping;
    },
  };
}

async function stopServer(apollo: ApolloServer<ApiContext>, db: PrismaClient, logger: Logger, url: string): Promise<void> {
  // Apollo's drain plugin closes the HTTP server and waits for in-flight requests.
  await apollo.stop();
  await closeDatabase(db);
  logger.info({ url }, 'API server stopped');
}

function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function describeMutations(policy: AdminPolicy): string {
  if (policy.adminToken !== undefined) return 'enabled with the admin token';
  return policy.localOnly ? 'enabled without a token (local-only mode)' : 'disabled (no ADMIN_TOKEN)';
}
